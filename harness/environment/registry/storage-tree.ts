/**
 * Copies and removals of the registry's filesystem storage that cost little time.
 *
 * Distribution writes a blob's `data` file once (an upload is moved into place) and never
 * changes it, so a snapshot may share those files by hard link; everything else (links, tags,
 * upload state) is copied. A tree to be removed is first renamed into a trash folder outside the
 * storage (instant) and deleted in the background; `settle()` waits for every deletion under way.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, join } from "node:path";

export function snapshotTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) snapshotTree(from, to);
    else if (entry.name === "data" && from.includes(`${"/"}blobs${"/"}`)) linkSync(from, to);
    else copyFileSync(from, to);
  }
}

export class BackgroundRemover {
  private readonly pending = new Set<Promise<void>>();
  private count = 0;

  /** `trashDir` must be on the same filesystem as what is removed (a rename moves it there). */
  constructor(private readonly trashDir: string) {}

  /** Moves `path` aside at once and deletes it later; nothing happens if it does not exist. */
  remove(path: string): void {
    mkdirSync(this.trashDir, { recursive: true });
    const aside = join(this.trashDir, `${this.count++}-${basename(path)}`);
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    const deletion = rm(aside, { recursive: true, force: true }).finally(() => this.pending.delete(deletion));
    this.pending.add(deletion);
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
