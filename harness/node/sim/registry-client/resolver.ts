/**
 * Tag (or digest) → descriptor, as containerd's dockerResolver.Resolve does it
 * (core/remotes/docker/resolver.go): HEAD `manifests/<object>` with the manifest Accept list;
 * the digest comes from `Docker-Content-Digest` (with a Content-Length), otherwise the manifest
 * is fetched with GET and hashed. A digest reference falls back to HEAD `blobs/<digest>` after a
 * 404. Of several failures the one furthest along wins: transport/auth < 404 < other status <
 * a manifest over MaxManifestSize.
 */
import { createHash } from "node:crypto";
import { DIGEST_PATTERN, type Descriptor } from "./descriptor.js";
import { discardBody, readBody } from "./http-transport.js";
import { DOCKER_SCHEMA1, DOCKER_MANIFEST, OCI_MANIFEST, RESOLVE_ACCEPT } from "./media-types.js";
import type { RequestContext } from "./request-context.js";
import { MAX_MANIFEST_SIZE } from "./limits.js";
import { notFound, RegistryError, unexpectedStatus } from "./registry-error.js";
import type { RegistrySession } from "./registry-session.js";

export async function resolveReference(
  ctx: RequestContext,
  session: RegistrySession,
  ref: string,
  object: { tag?: string; digest?: string },
): Promise<Descriptor> {
  const paths: Array<["manifests" | "blobs", string]> = object.digest
    ? [
        ["manifests", object.digest],
        ["blobs", object.digest],
      ]
    : [["manifests", object.tag ?? "latest"]];
  let firstError: RegistryError | undefined;
  let priority = 0;
  const remember = (error: RegistryError, level: number) => {
    if (priority < level) [firstError, priority] = [error, level];
  };
  for (const [kind, name] of paths) {
    if (priority > 2) break;
    const url = session.url(kind, name);
    const headers = { accept: RESOLVE_ACCEPT };
    let response;
    try {
      response = await session.request(ctx, "HEAD", url, headers);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      const denied = error.invalidAuthorization ? error.wrap("pull access denied, repository does not exist or may require authorization") : error;
      remember(denied, 1);
      continue;
    }
    discardBody(response);
    if (response.status > 299) {
      // The method of the request that got this answer: a 405 on HEAD was retried as GET.
      const method = response.request.method;
      if (response.status === 404) remember(notFound(ref, 404), 2);
      else if (response.status > 399) remember(unexpectedStatus(method, url, response.status, response.statusText), 3);
      else throw unexpectedStatus(method, url, response.status, response.statusText);
      continue;
    }
    let size = contentLength(response.headers["content-length"]);
    let mediaType = manifestMediaType(response.headers["content-type"]);
    let digest = object.digest;
    if (!digest) {
      const header = headerValue(response.headers["docker-content-digest"]);
      if (header && size !== -1) {
        if (!DIGEST_PATTERN.test(header)) {
          throw new RegistryError(`${JSON.stringify(header)} in header not a valid digest: invalid checksum digest format`, "integrity");
        }
        digest = header;
      }
    }
    if (!digest || size === -1) {
      const get = await session.request(ctx, "GET", url, headers);
      if (get.status >= 400) {
        discardBody(get);
        throw unexpectedStatus("GET", url, get.status, get.statusText);
      }
      // containerd hashes the whole body, however long; pullcheck stops one byte past the limit.
      const body = await readBody(ctx, get, MAX_MANIFEST_SIZE);
      if (body === undefined) {
        remember(tooLarge(`more than ${MAX_MANIFEST_SIZE}`, ref), 4);
        continue;
      }
      mediaType = manifestMediaType(get.headers["content-type"]);
      if (!digest) {
        if (mediaType === DOCKER_SCHEMA1) {
          throw new RegistryError(
            `media type ${JSON.stringify(DOCKER_SCHEMA1)} is no longer supported since containerd v2.0, please rebuild the image as ${JSON.stringify(DOCKER_MANIFEST)} or ${JSON.stringify(OCI_MANIFEST)}: not implemented`,
            "integrity",
          );
        }
        digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      }
      size = body.length;
    }
    if (size > MAX_MANIFEST_SIZE) {
      remember(tooLarge(String(size), ref), 4);
      continue;
    }
    return { mediaType, digest, size };
  }
  throw firstError ?? notFound(ref);
}

/** resolver.go: "Prevent resolving to excessively large manifests", the most telling of the errors. */
function tooLarge(size: string, ref: string): RegistryError {
  return new RegistryError(`rejecting ${size} byte manifest for ${ref}: not found`, "notFound", { kind: "notFound" });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function contentLength(value: string | undefined): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/** containerd's getManifestMediaType: the Content-Type without parameters. */
function manifestMediaType(value: string | undefined): string {
  return (value ?? "").split(";")[0]!.trim();
}
