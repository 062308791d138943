/**
 * When the registry last confirmed the digest a node stores for an image name (a successful pull
 * or an unchanged digest check). Kept on disk next to the node's store, so it survives a kubelet
 * restart like KEP-2535's pull records do. Used by `contact: {ifOlderThan}` and `maxAge`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class VerificationLog {
  private readonly entries: Record<string, number>;

  constructor(private readonly file: string) {
    try {
      this.entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
    } catch {
      this.entries = {};
    }
  }

  confirmed(image: string, at: number): void {
    this.entries[image] = at;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.entries));
    renameSync(`${this.file}.tmp`, this.file);
  }

  ageOf(image: string, now: number): number | undefined {
    const at = this.entries[image];
    return at === undefined ? undefined : now - at;
  }
}
