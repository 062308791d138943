/**
 * Image references as the kubelet hands them to the runtime: `host[:port]/repo[:tag][@digest]`.
 * A name without a registry host means Docker Hub (`docker.io/library/…`), a name without tag
 * or digest means `:latest`, as containerd's reference normalisation does.
 */

export interface ImageReference {
  /** Registry host as written in the name, e.g. "registry.pullcheck.test" or "localhost:5000". */
  host: string;
  /** Repository path inside the registry, e.g. "app" or "team/app". */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class InvalidReferenceError extends Error {
  constructor(reference: string, why: string) {
    super(`invalid reference ${JSON.stringify(reference)}: ${why}`);
    this.name = "InvalidReferenceError";
  }
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(reference, "invalid digest");
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(reference, "invalid tag");
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  let host = "docker.io";
  let repository = rest;
  if (first !== "" && (first.includes(".") || first.includes(":") || first === "localhost")) {
    host = first;
    repository = rest.slice(slash + 1);
  }
  if (host === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) throw new InvalidReferenceError(reference, "invalid repository name");
  if (tag === undefined && digest === undefined) tag = "latest";
  return { host, repository, tag, digest };
}

/** `host/repo` — the part before `:tag` / `@digest`. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.host}/${ref.repository}`;
}

/**
 * The normalised reference containerd's CRI uses as the image name and in its messages
 * (docker reference ParseDockerRef: a digest wins over a tag).
 */
export function formatReference(ref: ImageReference): string {
  return ref.digest !== undefined ? `${repositoryName(ref)}@${ref.digest}` : `${repositoryName(ref)}:${ref.tag ?? "latest"}`;
}
