/**
 * Downloads one descriptor into a content sink, verifying while streaming, as containerd's
 * remotes.Fetch + content.Copy + the local content writer's Commit do
 * (core/remotes/handlers.go, core/content/helpers.go, plugins/content/local/writer.go,
 * core/remotes/docker/fetcher.go + httpreadseeker.go). Content already in the sink is skipped.
 * Nothing reaches the sink unless size and sha256 match.
 *
 * A body that ends before its length is re-opened at the offset reached with a Range request, as
 * containerd's httpReadSeeker does (core/remotes/docker/httpreadseeker.go, seen in containerd 1.6
 * and 2.x): as long as connections bring bytes, the download goes on; after 3 re-opens in a row
 * that brought none, or when a re-open fails, the read error stands ("unexpected EOF").
 */
import { createHash } from "node:crypto";
import type { Descriptor } from "./descriptor.js";
import { consumeBody, discardBody, readBody, type HttpResponse } from "./http-transport.js";
import { isUnexpectedEOF } from "./transport-error.js";
import { isIndexType, isManifestType, refKeyPrefix } from "./media-types.js";
import type { RequestContext } from "./request-context.js";
import { notFound, RegistryError, unexpectedStatus } from "./registry-error.js";
import type { RegistrySession } from "./registry-session.js";

/** Where fetched content goes: the node's content store. */
export interface BlobSink {
  has(digest: string): Promise<boolean>;
  read(digest: string): Promise<Buffer>;
  openWriter(): Promise<BlobWriter>;
}

export interface BlobWriter {
  write(chunk: Buffer): Promise<void>;
  /** Moves the written bytes into place under `digest` (they were verified by the caller). */
  commit(digest: string): Promise<void>;
  abort(): Promise<void>;
}

export async function fetchBlob(ctx: RequestContext, session: RegistrySession, desc: Descriptor, sink: BlobSink): Promise<void> {
  if (await sink.has(desc.digest)) return;
  const refKey = `${refKeyPrefix(desc.mediaType)}-${desc.digest}`;
  if (desc.size === 0) {
    throw new RegistryError(`unable to fetch descriptor (${desc.digest}) which reports content size of zero: invalid argument`, "integrity");
  }
  const writer = await sink.openWriter();
  try {
    await download(ctx, session, desc, refKey, writer);
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

async function download(ctx: RequestContext, session: RegistrySession, desc: Descriptor, refKey: string, writer: BlobWriter): Promise<void> {
  const isManifest = isManifestType(desc.mediaType) || isIndexType(desc.mediaType);
  const url = session.url(isManifest ? "manifests" : "blobs", desc.digest);
  let response;
  try {
    response = await session.request(ctx, "GET", url, { accept: `${desc.mediaType}, */*` });
  } catch (error) {
    throw error instanceof RegistryError ? openFailed(error) : error;
  }
  if (response.status === 404) {
    discardBody(response);
    throw openFailed(
      isManifest
        ? notFound(`content at ${url} not found`, 404)
        : notFound(`could not fetch content descriptor ${desc.digest} (${desc.mediaType}) from remote`, 404),
    );
  }
  if (response.status > 299) {
    const body = (await readBody(ctx, response, 64_000).catch(() => undefined)) ?? Buffer.alloc(0);
    throw openFailed(unexpectedStatus("GET", url, response.status, response.statusText, body));
  }
  const hash = createHash("sha256");
  let received = 0;
  let body = response;
  let skip = 0;
  let cutsWithoutProgress = 0;
  for (;;) {
    try {
      await consumeBody(ctx, body, async (whole) => {
        const chunk = skip > 0 ? whole.subarray(Math.min(skip, whole.length)) : whole;
        skip -= whole.length - chunk.length;
        if (chunk.length === 0) return;
        cutsWithoutProgress = 0;
        received += chunk.length;
        // containerd reads on to the end of the body and then refuses the commit; pullcheck stops
        // at the first byte past the descriptor's size, so a body without end ends too.
        if (received > desc.size) throw commitFailed(refKey, `unexpected commit size ${received}, expected ${desc.size}`, response.status);
        hash.update(chunk);
        await writer.write(chunk);
      });
      break;
    } catch (error) {
      // A cut while skipping to the offset is a failed re-open (fetcher.go: "failed to discard to
      // offset"), and containerd then reports the read error.
      const resumable = isUnexpectedEOF(error) && skip === 0 && ++cutsWithoutProgress <= MAX_REOPENS_WITHOUT_PROGRESS;
      const reopened = resumable ? await reopenAt(ctx, session, url, desc, received) : undefined;
      if (!reopened) throw error instanceof RegistryError ? error.wrap("failed to copy") : error;
      ({ body, skip } = reopened);
    }
  }
  if (received < desc.size) {
    // content.Copy (core/content/helpers.go): this one is not wrapped in "failed to copy".
    throw new RegistryError(`short read: expected ${desc.size} bytes but got ${received}: unexpected EOF`, "integrity", { status: response.status });
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== desc.digest) {
    throw commitFailed(refKey, `unexpected commit digest ${actual}, expected ${desc.digest}`, response.status);
  }
  await writer.commit(desc.digest);
}

/** httpreadseeker.go: maxRetry, re-opens in a row without a byte before the read error stands. */
const MAX_REOPENS_WITHOUT_PROGRESS = 3;

/**
 * The fetcher's open at an offset (core/remotes/docker/fetcher.go, resolver.go withOffsetCheck in
 * containerd 2.x): `Range: bytes=<offset>-`; a 206 is taken as it is; another 2xx with a
 * Content-Range must start at the offset; one without is read from the start and its first
 * `offset` bytes are skipped. Undefined when the re-open fails: containerd then reports the read
 * error, not the re-open's.
 */
async function reopenAt(
  ctx: RequestContext,
  session: RegistrySession,
  url: string,
  desc: Descriptor,
  offset: number,
): Promise<{ body: HttpResponse; skip: number } | undefined> {
  if (offset >= desc.size) return undefined;
  let response: HttpResponse;
  try {
    response = await session.request(ctx, "GET", url, { accept: `${desc.mediaType}, */*`, range: `bytes=${offset}-` });
  } catch {
    return undefined;
  }
  const contentRange = response.status === 206 ? undefined : response.headers["content-range"];
  if (response.status > 299 || (contentRange !== undefined && !contentRange.startsWith(`bytes ${offset}-`))) {
    discardBody(response);
    return undefined;
  }
  return { body: response, skip: response.status === 206 || contentRange !== undefined ? 0 : offset };
}

function openFailed(error: RegistryError): RegistryError {
  return error.wrap("httpReadSeeker: failed open").wrap("failed to copy");
}

function commitFailed(refKey: string, what: string, status: number): RegistryError {
  return new RegistryError(`failed commit on ref ${JSON.stringify(refKey)}: ${what}: failed precondition`, "integrity", {
    kind: "failedPrecondition",
    status,
  });
}
