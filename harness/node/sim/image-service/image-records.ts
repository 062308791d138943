/**
 * CRI's view of stored names. A pull stores three references, as containerd's CRI does
 * (internal/cri/server/images/image_pull.go): the image ID, the tag reference (for a pull by
 * tag) and the repo digest `repo@<target digest>`. So when a tag moves on, the image it pointed
 * to stays listed under its repo digest until image GC removes it. One ImageRecord per image ID:
 * tag names are its repoTags, digest names its repoDigests.
 */
import type { ImageRecord } from "../cri.js";
import { formatReference, parseImageReference, repositoryName } from "../registry-client/image-reference.js";
import { DIGEST_PATTERN } from "../registry-client/descriptor.js";
import type { StoredImage } from "./image-metadata.js";

export function toImageRecords(images: StoredImage[]): ImageRecord[] {
  const byId = new Map<string, ImageRecord>();
  for (const image of images) {
    const record = byId.get(image.configDigest) ?? { id: image.configDigest, repoTags: [], repoDigests: [], size: image.size };
    byId.set(image.configDigest, record);
    if (DIGEST_PATTERN.test(image.name)) continue;
    const names = image.name.includes("@") ? record.repoDigests : record.repoTags;
    if (!names.includes(image.name)) names.push(image.name);
  }
  return [...byId.values()];
}

/** The names a pull of `reference` stores: image ID, tag reference (if any), repo digest. */
export function referencesOf(reference: string, targetDigest: string, imageId: string): string[] {
  const ref = parseImageReference(reference);
  const tagged = ref.digest === undefined ? [formatReference(ref)] : [];
  return [imageId, ...tagged, `${repositoryName(ref)}@${targetDigest}`];
}

/** The image ID `image` (an ID, a tag reference or a digest reference) refers to, or undefined. */
export function findImageId(images: StoredImage[], image: string): string | undefined {
  const name = DIGEST_PATTERN.test(image) ? image : canonicalName(image);
  return name === undefined ? undefined : images.find((entry) => entry.name === name)?.configDigest;
}

/** The normalised name a reference is stored under, or undefined when it is not a valid one. */
export function canonicalName(image: string): string | undefined {
  try {
    return formatReference(parseImageReference(image));
  } catch {
    return undefined;
  }
}
