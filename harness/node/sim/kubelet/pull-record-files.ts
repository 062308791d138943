/** The KEP-2535 files' plumbing: the kubelet's file names (sha256-<hex>), its time format, and writes that replace a file whole. */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

/** metav1.Time's JSON: RFC 3339, whole seconds, UTC. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function fileName(key: string): string {
  return `sha256-${createHash("sha256").update(key).digest("hex")}`;
}

export function read<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export function write(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
