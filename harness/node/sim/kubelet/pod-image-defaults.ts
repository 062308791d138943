/**
 * Image references as the kubelet sees them: the docker reference grammar (distribution/reference),
 * the API server's pull-policy defaulting (pkg/apis/core/v1/defaults.go) and the kubelet's
 * applyDefaultImageTag (pkg/kubelet/images/image_manager.go).
 */

export interface ParsedReference {
  /** Normalized repository: "docker.io/library/nginx", "registry.pullcheck.test/app". */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
const ANY_CASE = new RegExp(
  `^((?:${DOMAIN}/)?[a-zA-Z0-9]+(?:(?:[._]|__|[-]*)[a-zA-Z0-9]+)*(?:/[a-zA-Z0-9]+(?:(?:[._]|__|[-]*)[a-zA-Z0-9]+)*)*)(?::[\\w][\\w.-]{0,127})?(?:@.+)?$`,
);

/** Parses like distribution/reference's ParseNormalizedNamed; throws with its error texts. */
export function parseReference(image: string): ParsedReference {
  // The reference grammar's regular expression backtracks a lot; a run parses the same few names.
  const known = parsed.get(image);
  if (known) return known;
  const reference = parseUncached(image);
  if (parsed.size < 10_000) parsed.set(image, reference);
  return reference;
}

const parsed = new Map<string, Readonly<ParsedReference>>();

/**
 * The image name with its tag and digest cut off, as written (no "docker.io/library/" added), or
 * undefined when it does not parse: kubelet 1.36+'s trimImageTagDigest
 * (pkg/kubelet/images/pullmanager/image_pull_policies.go, distribution/reference Parse).
 */
export function nameAsWritten(image: string): string | undefined {
  const name = REFERENCE.exec(image)?.[1];
  return name !== undefined && name.length <= NAME_TOTAL_LENGTH_MAX ? name : undefined;
}

/** distribution/reference's NameTotalLengthMax. */
const NAME_TOTAL_LENGTH_MAX = 255;

function parseUncached(image: string): ParsedReference {
  if (/^[a-f0-9]{64}$/.test(image)) throw new Error(`invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`);
  const match = REFERENCE.exec(image);
  if (!match) {
    const loose = ANY_CASE.exec(image);
    if (loose && loose[1] !== loose[1]!.toLowerCase()) {
      // distribution/reference ParseNormalizedNamed names the remote as splitDockerDomain made it:
      // a Docker Hub name of one component gets its "library/" (normalize.go:60-68, 126-136).
      const { domain, remainder } = splitDomain(loose[1]!);
      const remote = domain === "docker.io" && !remainder.includes("/") ? `library/${remainder}` : remainder;
      throw new Error(`invalid reference format: repository name (${remote}) must be lowercase`);
    }
    throw new Error("invalid reference format");
  }
  const { domain, remainder } = splitDomain(match[1]!);
  return Object.freeze({
    repository: `${domain}/${domain === "docker.io" && !remainder.includes("/") ? `library/${remainder}` : remainder}`,
    tag: match[2],
    digest: match[3],
  });
}

function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { domain: "docker.io", remainder: name };
  const first = name.slice(0, slash);
  if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase())
    return { domain: first, remainder: name.slice(slash + 1) };
  return { domain: "docker.io", remainder: name };
}

/** API server defaulting: ":latest" (explicit or implied) → Always, anything else → IfNotPresent; parse errors are ignored. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  try {
    const parsed = parseReference(image);
    const tag = parsed.tag ?? (parsed.digest ? "" : "latest");
    return tag === "latest" ? "Always" : "IfNotPresent";
  } catch {
    return "IfNotPresent";
  }
}

/**
 * applyDefaultImageTag: ":latest" is appended by plain concatenation when the reference has
 * neither tag nor digest; the error text is the kubelet's `couldn't parse image name %q: %v`.
 */
export function applyDefaultImageTag(image: string): { image: string } | { error: string } {
  let parsed: ParsedReference;
  try {
    parsed = parseReference(image);
  } catch (error) {
    return { error: `couldn't parse image name ${JSON.stringify(image)}: ${(error as Error).message}` };
  }
  if (parsed.tag === undefined && parsed.digest === undefined) return { image: `${image}:latest` };
  return { image };
}
