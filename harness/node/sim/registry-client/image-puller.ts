/**
 * A whole image pull after containerd's client.Pull with a platform filter (client/pull.go,
 * images.Dispatch): resolve, fetch the top manifest or index, pick the platform manifest, then
 * config and layers, at most 3 at once (containerd's default max_concurrent_downloads); the
 * first failure cancels the others and is the pull's error.
 */
import { fetchBlob, type BlobSink } from "./blob-fetcher.js";
import type { Descriptor, Platform } from "./descriptor.js";
import { parseIndex, parseManifest, selectPlatform } from "./manifest.js";
import { DOCKER_SCHEMA1, isIndexType } from "./media-types.js";
import { ContextDone, withSignal, type RequestContext } from "./request-context.js";
import { RegistryError } from "./registry-error.js";
import type { RegistrySession } from "./registry-session.js";
import { MAX_MANIFEST_SIZE } from "./limits.js";

export interface PulledImage {
  /** What the reference points to: a manifest, or an index. */
  target: Descriptor;
  /** The platform manifest (the target itself unless it is an index). */
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

const MAX_CONCURRENT_DOWNLOADS = 3;

export async function pullContent(ctx: RequestContext, session: RegistrySession, target: Descriptor, sink: BlobSink, platform: Platform): Promise<PulledImage> {
  if (target.mediaType === DOCKER_SCHEMA1) {
    throw new RegistryError(`${DOCKER_SCHEMA1} not supported`, "integrity");
  }
  await fetchBlob(ctx, session, readWhole(target), sink);
  let manifest = target;
  if (isIndexType(target.mediaType)) {
    manifest = readWhole(selectPlatform(parseIndex(target, await sink.read(target.digest)), platform));
    await fetchBlob(ctx, session, manifest, sink);
  }
  const { config, layers } = parseManifest(manifest, await sink.read(manifest.digest));
  await fetchAll(ctx, session, [readWhole(config), ...layers], sink);
  return { target, manifest, config, layers };
}

/** A manifest, index or config, which is read into memory whole: bounded (limits.ts). */
function readWhole(desc: Descriptor): Descriptor {
  if (desc.size > MAX_MANIFEST_SIZE)
    throw new RegistryError(`rejecting ${desc.size} byte ${desc.mediaType} ${desc.digest}: larger than ${MAX_MANIFEST_SIZE} bytes: not found`, "notFound", {
      kind: "notFound",
    });
  return desc;
}

async function fetchAll(ctx: RequestContext, session: RegistrySession, descriptors: Descriptor[], sink: BlobSink): Promise<void> {
  const group = new AbortController();
  const groupCtx = withSignal(ctx, group.signal);
  const queue = [...descriptors];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let next = queue.shift(); next && !failure; next = queue.shift()) {
      try {
        await fetchBlob(groupCtx, session, next, sink);
      } catch (error) {
        if (!failure) {
          failure = { error };
          group.abort(new ContextDone("canceled"));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_DOWNLOADS, descriptors.length) }, worker));
  if (failure) throw failure.error;
}
