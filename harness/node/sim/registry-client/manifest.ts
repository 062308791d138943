/**
 * Reading image manifests and indexes, and choosing the platform manifest of an index.
 * The platform match is containerd's for a plain linux/amd64 node: same OS and architecture,
 * and the same variant when the node names one (platforms.Only without the fallbacks).
 */
import type { Descriptor, Platform } from "./descriptor.js";
import { isIndexType } from "./media-types.js";
import { RegistryError } from "./registry-error.js";

export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

interface RawDescriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
}

export function parseManifest(desc: Descriptor, bytes: Buffer): ImageManifest {
  const doc = parseDocument(desc, bytes) as { config?: RawDescriptor; layers?: unknown };
  if (!doc.config || !Array.isArray(doc.layers)) throw malformed(desc, "missing config or layers");
  return { config: toDescriptor(desc, doc.config), layers: doc.layers.map((layer) => toDescriptor(desc, layer as RawDescriptor)) };
}

export function parseIndex(desc: Descriptor, bytes: Buffer): Descriptor[] {
  const doc = parseDocument(desc, bytes) as { manifests?: unknown };
  if (!Array.isArray(doc.manifests)) throw malformed(desc, "missing manifests");
  return doc.manifests.map((entry) => toDescriptor(desc, entry as RawDescriptor));
}

/** The index entry for `platform`, or a `not found` error as containerd's images.Manifest gives. */
export function selectPlatform(children: Descriptor[], platform: Platform): Descriptor {
  const match = children.find(
    (child) =>
      child.platform?.os === platform.os &&
      child.platform.architecture === platform.architecture &&
      (platform.variant === undefined || child.platform.variant === platform.variant),
  );
  if (!match) throw new RegistryError("no match for platform in manifest: not found", "notFound", { kind: "notFound" });
  return match;
}

function parseDocument(desc: Descriptor, bytes: Buffer): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw malformed(desc, (error as Error).message);
  }
  if (typeof doc !== "object" || doc === null) throw malformed(desc, "not a JSON object");
  const mediaType = (doc as { mediaType?: unknown }).mediaType;
  // containerd's images.validateMediaType: a document must not claim to be the other kind.
  if (typeof mediaType === "string" && mediaType !== "" && isIndexType(mediaType) !== isIndexType(desc.mediaType)) {
    throw new RegistryError(`mediaType in manifest should be '${desc.mediaType}' not '${mediaType}'`, "integrity");
  }
  return doc as Record<string, unknown>;
}

function toDescriptor(parent: Descriptor, raw: RawDescriptor): Descriptor {
  if (typeof raw?.digest !== "string" || typeof raw.size !== "number" || typeof raw.mediaType !== "string") {
    throw malformed(parent, "invalid descriptor");
  }
  const descriptor: Descriptor = { mediaType: raw.mediaType, digest: raw.digest, size: raw.size };
  const p = raw.platform;
  if (p && typeof p.os === "string" && typeof p.architecture === "string") {
    descriptor.platform = { os: p.os, architecture: p.architecture, ...(typeof p.variant === "string" ? { variant: p.variant } : {}) };
  }
  return descriptor;
}

function malformed(desc: Descriptor, why: string): RegistryError {
  return new RegistryError(`failed to parse manifest ${desc.digest}: ${why}`, "integrity");
}
