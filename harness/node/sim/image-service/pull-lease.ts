/**
 * Blobs in use by a pull that has not finished, like a containerd lease: garbage collection
 * (after a failed pull, or removeImage) never deletes a blob that an unfinished pull on the same
 * store has found or written, nor one that a stored image name references.
 */
import type { BlobSink, BlobWriter } from "../registry-client/blob-fetcher.js";
import type { ContentStore } from "./content-store.js";
import { blobsOf, type ImageMetadataStore } from "./image-metadata.js";

const active = new Map<string, Set<PullLease>>();

export class PullLease implements BlobSink {
  /** Blobs this pull relies on (found present or written). */
  readonly used = new Set<string>();
  /** Blobs this pull wrote. */
  readonly written = new Set<string>();

  constructor(private readonly store: ContentStore) {
    const leases = active.get(store.dir) ?? new Set<PullLease>();
    leases.add(this);
    active.set(store.dir, leases);
  }

  has(digest: string): Promise<boolean> {
    this.used.add(digest);
    return this.store.has(digest);
  }

  read(digest: string): Promise<Buffer> {
    return this.store.read(digest);
  }

  async openWriter(): Promise<BlobWriter> {
    const writer = await this.store.openWriter();
    return {
      write: (chunk) => writer.write(chunk),
      abort: () => writer.abort(),
      commit: async (digest) => {
        this.used.add(digest);
        await writer.commit(digest);
        this.written.add(digest);
      },
    };
  }

  release(): void {
    const leases = active.get(this.store.dir);
    leases?.delete(this);
    if (leases?.size === 0) active.delete(this.store.dir);
  }
}

/** Deletes those of `candidates` that no image name references and no other pull uses. */
export async function collectGarbage(store: ContentStore, metadata: ImageMetadataStore, candidates: Iterable<string>, except?: PullLease): Promise<void> {
  const keep = new Set((await metadata.list()).flatMap(blobsOf));
  for (const lease of active.get(store.dir) ?? []) {
    if (lease !== except) for (const digest of lease.used) keep.add(digest);
  }
  for (const digest of candidates) {
    if (!keep.has(digest)) await store.delete(digest);
  }
}
