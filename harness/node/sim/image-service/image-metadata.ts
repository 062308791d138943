/**
 * A node's image names (`<dir>/images.json`): which name points to which target (manifest or
 * index), platform manifest, config (the image ID) and layers. Rewritten whole and atomically on
 * every change; changes to one file are serialized.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Descriptor } from "../registry-client/descriptor.js";
import { writeFileAtomic } from "./content-store.js";

export interface StoredImage {
  /** A reference: "registry.pullcheck.test/app:latest", "registry.pullcheck.test/app@sha256:…", or the image ID. */
  name: string;
  target: Descriptor;
  manifestDigest: string;
  /** The image ID. */
  configDigest: string;
  layerDigests: string[];
  /** Config plus layer bytes. */
  size: number;
  /** When the name was last stored, on the node's clock (ISO 8601). */
  pulledAt: string;
}

interface MetadataFile {
  version: 1;
  images: StoredImage[];
}

const locks = new Map<string, Promise<unknown>>();

export class ImageMetadataStore {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, "images.json");
  }

  async list(): Promise<StoredImage[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, "utf8")) as MetadataFile;
      return parsed.images ?? [];
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return [];
      throw error;
    }
  }

  /** Applies `change` to the current list and stores the result. */
  update(change: (images: StoredImage[]) => StoredImage[]): Promise<StoredImage[]> {
    const previous = locks.get(this.file) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(async () => {
        const images = change(await this.list());
        const content: MetadataFile = { version: 1, images };
        await writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`);
        return images;
      });
    locks.set(this.file, next);
    void next
      .finally(() => {
        if (locks.get(this.file) === next) locks.delete(this.file);
      })
      .catch(() => {});
    return next;
  }

  /** Stores the image under each of `names`, replacing what those names pointed to. */
  putNames(names: string[], image: Omit<StoredImage, "name">): Promise<StoredImage[]> {
    const entries = names.map((name) => ({ name, ...image }));
    return this.update((images) => [...images.filter((entry) => !names.includes(entry.name)), ...entries]);
  }
}

/** Every blob an image name keeps alive. */
export function blobsOf(image: StoredImage): string[] {
  return [...new Set([image.target.digest, image.manifestDigest, image.configDigest, ...image.layerDigests])];
}
