/**
 * A node's content-addressed blob store on disk: `<dir>/blobs/sha256/<hex>`. Writers stream into
 * `<dir>/ingest/<random>` and commit by rename, so a blob file exists only whole.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { BlobWriter } from "../registry-client/blob-fetcher.js";
import { DIGEST_PATTERN } from "../registry-client/descriptor.js";

export class ContentStore {
  /** digest → file fingerprint at its last successful verification. */
  private readonly verified = new Map<string, string>();

  constructor(readonly dir: string) {}

  blobPath(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return path.join(this.dir, "blobs", "sha256", digest.slice("sha256:".length));
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  read(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /** Every stored digest. */
  async list(): Promise<string[]> {
    const names = await readdir(path.join(this.dir, "blobs", "sha256")).catch(() => [] as string[]);
    return names
      .filter((name) => /^[a-f0-9]{64}$/.test(name))
      .map((hex) => `sha256:${hex}`)
      .sort();
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /** Re-hashes a stored blob: false when it is missing or its bytes no longer match. */
  async verify(digest: string): Promise<boolean> {
    try {
      const bytes = await this.read(digest);
      return `sha256:${createHash("sha256").update(bytes).digest("hex")}` === digest;
    } catch {
      return false;
    }
  }

  /**
   * Whether the content tree under `digest` is whole and unaltered: that blob, and for a manifest
   * its config and layers, for an index each child manifest stored here (at least one).
   * A blob is re-hashed only when its file changed since it last verified (same inode, size and
   * modification time), so checking a 64 MiB layer at every container start costs a stat.
   */
  async verifiesTree(digest: string): Promise<boolean> {
    const bytes = await this.readVerified(digest);
    if (!bytes) return false;
    let doc: { manifests?: unknown; config?: { digest?: unknown }; layers?: unknown };
    try {
      doc = JSON.parse(bytes.toString("utf8"));
    } catch {
      return true; // not a manifest: a blob that verified
    }
    const digests = (list: unknown) => (Array.isArray(list) ? list.map((d: { digest?: unknown }) => String(d?.digest)) : []);
    if (Array.isArray(doc?.manifests)) {
      const children = digests(doc.manifests).filter((child) => DIGEST_PATTERN.test(child));
      const present: string[] = [];
      for (const child of children) if (await this.has(child)) present.push(child);
      if (present.length === 0) return false;
      for (const child of present) if (!(await this.verifiesTree(child))) return false;
      return true;
    }
    if (doc?.config && Array.isArray(doc.layers)) {
      for (const blob of [String(doc.config.digest), ...digests(doc.layers)]) if (!(await this.readVerified(blob, { contentNeeded: false }))) return false;
    }
    return true;
  }

  /** Records a blob whose bytes were hashed on their way in (writers commit only verified bytes). */
  async markVerified(digest: string): Promise<void> {
    const stored = await stat(this.blobPath(digest));
    this.verified.set(digest, `${stored.ino}:${stored.size}:${stored.mtimeMs}`);
  }

  /** The blob's bytes if they hash to `digest` (an empty buffer when only the verdict was asked for). */
  private async readVerified(digest: string, options = { contentNeeded: true }): Promise<Buffer | undefined> {
    try {
      const file = this.blobPath(digest);
      const before = await stat(file);
      const fingerprint = `${before.ino}:${before.size}:${before.mtimeMs}`;
      if (!options.contentNeeded && this.verified.get(digest) === fingerprint) return Buffer.alloc(0);
      const bytes = await readFile(file);
      if (`sha256:${createHash("sha256").update(bytes).digest("hex")}` !== digest) return undefined;
      this.verified.set(digest, fingerprint);
      return bytes;
    } catch {
      return undefined;
    }
  }

  /** Stores bytes known in full; refuses bytes that do not match the digest. */
  async put(digest: string, bytes: Buffer): Promise<void> {
    const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (actual !== digest) throw new Error(`content ${actual} does not match ${digest}`);
    if (await this.has(digest)) return;
    const writer = await this.openWriter();
    await writer.write(bytes);
    await writer.commit(digest);
  }

  async openWriter(): Promise<BlobWriter> {
    const ingest = path.join(this.dir, "ingest");
    await mkdir(ingest, { recursive: true });
    return new IngestWriter(this, path.join(ingest, randomUUID()));
  }
}

const WRITE_BATCH_BYTES = 1024 * 1024;
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

/**
 * The ingest file is opened when the first bytes are written (or at commit), not when the writer
 * is: a pull opens its writer before it asks the registry, and ten thousand nodes of a fleet
 * waiting for a connection would otherwise hold twenty thousand open files, past the process's limit.
 */
class IngestWriter implements BlobWriter {
  private closed = false;
  private handle: Promise<FileHandle> | undefined;

  constructor(
    private readonly store: ContentStore,
    private readonly file: string,
  ) {}

  private opened(): Promise<FileHandle> {
    this.handle ??= open(this.file, "wx");
    return this.handle;
  }

  /**
   * Network chunks are small (16–64 KiB): they go to the disk about 1 MiB at a time (writev, no
   * copy), while the download goes on; the caller waits only when 8 MiB are still unwritten.
   */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<unknown> = Promise.resolve();
  private unwrittenBytes = 0;

  async write(chunk: Buffer): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) this.flush();
    if (this.unwrittenBytes >= MAX_UNWRITTEN_BYTES) await this.writing;
  }

  async commit(digest: string): Promise<void> {
    this.flush();
    await this.writing;
    await this.opened();
    await this.close();
    const target = this.store.blobPath(digest);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(this.file, target);
    await this.store.markVerified(digest);
  }

  async abort(): Promise<void> {
    await this.writing.catch(() => {});
    await this.close();
    await rm(this.file, { force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const batch = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.unwrittenBytes += bytes;
    // Chained: batches reach the file in order; a failed write fails every later wait on it.
    this.writing = this.writing.then(async () => {
      await (await this.opened()).writev(batch);
      this.unwrittenBytes -= bytes;
    });
    this.writing.catch(() => {}); // seen by the next wait on it, never unhandled meanwhile
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const handle = await this.handle?.catch(() => undefined);
    await handle?.close();
  }
}

/** Writes a small file atomically (temp file + rename). */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}
