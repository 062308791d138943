/**
 * Puts a fixture image into a node's store without any registry, as `kind load` or a node image
 * would (scenarios' `node.preloaded`). Stores what a pull for the node's platform would store:
 * the top manifest or index, the platform manifest, its config and layers; every blob is
 * checked against its digest.
 */
import type { FixtureImage } from "../../../fixture-images/types.js";
import { DEFAULT_PLATFORM, type Descriptor, type Platform } from "../registry-client/descriptor.js";
import { formatReference, parseImageReference } from "../registry-client/image-reference.js";
import { parseIndex, parseManifest, selectPlatform } from "../registry-client/manifest.js";
import { isIndexType } from "../registry-client/media-types.js";
import { ContentStore } from "./content-store.js";
import type { CriImageService } from "./cri-image-service.js";
import { ImageMetadataStore } from "./image-metadata.js";
import { referencesOf } from "./image-records.js";

export interface PreloadOptions {
  platform?: Platform;
  /** Recorded as the time the image was stored (ms since epoch); default now. */
  now?: number;
}

/**
 * Stores `fixture` under `name` (e.g. "registry.pullcheck.test/app:latest") in a node's store,
 * given as the node's image service or its store directory; returns the image ID.
 */
export async function preloadImage(node: CriImageService | string, name: string, fixture: FixtureImage, options: PreloadOptions = {}): Promise<string> {
  const storeDir = typeof node === "string" ? node : node.store.dir;
  const platform = options.platform ?? (typeof node === "string" ? undefined : node.platform) ?? DEFAULT_PLATFORM;
  const store = new ContentStore(storeDir);
  const target: Descriptor = { mediaType: fixture.mediaType, digest: fixture.digest, size: fixture.manifest.length };
  await store.put(target.digest, fixture.manifest);
  let manifest = target;
  let manifestBytes = fixture.manifest;
  if (isIndexType(target.mediaType)) {
    manifest = selectPlatform(parseIndex(target, fixture.manifest), platform);
    const child = fixture.children.find((entry) => entry.digest === manifest.digest);
    if (!child) throw new Error(`fixture ${fixture.variant} lacks its ${manifest.digest} manifest`);
    manifestBytes = child.bytes;
    await store.put(manifest.digest, manifestBytes);
  }
  const { config, layers } = parseManifest(manifest, manifestBytes);
  for (const desc of [config, ...layers]) {
    const blob = fixture.blobs.find((entry) => entry.digest === desc.digest);
    if (!blob) throw new Error(`fixture ${fixture.variant} lacks blob ${desc.digest}`);
    await store.put(desc.digest, blob.bytes);
  }
  const names = referencesOf(formatReference(parseImageReference(name)), target.digest, config.digest);
  await new ImageMetadataStore(storeDir).putNames(names, {
    target,
    manifestDigest: manifest.digest,
    configDigest: config.digest,
    layerDigests: layers.map((layer) => layer.digest),
    size: config.size + layers.reduce((sum, layer) => sum + layer.size, 0),
    pulledAt: new Date(options.now ?? Date.now()).toISOString(),
  });
  return config.digest;
}
