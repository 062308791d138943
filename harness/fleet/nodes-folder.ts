/**
 * Where a fleet keeps its nodes' files (content stores, image metadata, KEP-2535 records): on a
 * tmpfs when the machine has one. Ten thousand nodes write and remove some 200,000 small files,
 * and on a journaling disk those syscalls were a third of a storm's time. Files in a tmpfs are
 * memory, so the storm reports how much they took.
 */
import { accessSync, constants, statfsSync } from "node:fs";
import { tmpdir } from "node:os";

const TMPFS_MAGIC = 0x01021994;
const SHARED_MEMORY = "/dev/shm";

export interface NodesFolderParent {
  path: string;
  inMemory: boolean;
}

export function nodesFolderParent(): NodesFolderParent {
  for (const path of [tmpdir(), SHARED_MEMORY]) {
    if (isWritableTmpfs(path)) return { path, inMemory: true };
  }
  return { path: tmpdir(), inMemory: false };
}

/** Bytes in use on the filesystem that holds `path`. */
export function usedBytes(path: string): number {
  const stats = statfsSync(path);
  return (stats.blocks - stats.bfree) * stats.bsize;
}

function isWritableTmpfs(path: string): boolean {
  try {
    if (statfsSync(path).type !== TMPFS_MAGIC) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
