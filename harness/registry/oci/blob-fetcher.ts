/**
 * Downloads one descriptor into a content sink, verifying while streaming, as containerd's
 * remotes.Fetch + content.Copy + the local content writer's Commit do
 * (core/remotes/handlers.go, core/content/helpers.go, plugins/content/local/writer.go,
 * core/remotes/docker/fetcher.go + httpreadseeker.go). Content already in the sink is skipped.
 * Nothing reaches the sink unless size and sha256 match.
 *
 * Not modelled: containerd 2.x re-opens a body that ended early with a Range request at the
 * offset reached (httpReadSeeker); here an early end fails the fetch ("unexpected EOF").
 */
import { createHash } from "node:crypto";
import type { Descriptor } from "./descriptor.js";
import { consumeBody, discardBody, readBody } from "./http-transport.js";
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
    const body = await readBody(ctx, response, 64_000).catch(() => Buffer.alloc(0));
    throw openFailed(unexpectedStatus("GET", url, response.status, response.statusText, body));
  }
  const hash = createHash("sha256");
  let received = 0;
  try {
    await consumeBody(ctx, response, async (chunk) => {
      const room = desc.size - received;
      received += chunk.length;
      hash.update(chunk);
      if (room > 0) await writer.write(room >= chunk.length ? chunk : chunk.subarray(0, room));
    });
  } catch (error) {
    throw error instanceof RegistryError ? error.wrap("failed to copy") : error;
  }
  if (received < desc.size) {
    const short = `short read: expected ${desc.size} bytes but got ${received}: unexpected EOF`;
    throw new RegistryError(`failed to copy: ${short}`, "integrity", { status: response.status });
  }
  if (received > desc.size) {
    throw commitFailed(refKey, `unexpected commit size ${received}, expected ${desc.size}`, response.status);
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== desc.digest) {
    throw commitFailed(refKey, `unexpected commit digest ${actual}, expected ${desc.digest}`, response.status);
  }
  await writer.commit(desc.digest);
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
