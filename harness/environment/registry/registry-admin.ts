/**
 * What scenarios do to the registry, through its own HTTP API (push, tag moves, tag deletion)
 * and through its storage where the API has nothing: backup and restore (stop, swap the storage,
 * start — a real restored-from-backup registry).
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../../support/errors.js";
import type { FixtureImage } from "../../fixture-images/types.js";
import type { RegistryServer } from "./registry-server.js";
import { BackgroundRemover, snapshotTree } from "./storage-tree.js";

export const ADMIN_USER = "pullcheck-admin";

/**
 * A repository that outlives reset(): large fixture blobs are uploaded to it once and mounted
 * into a scenario's repository (the registry's cross-repository mount, `POST …?mount=&from=`),
 * so a 64 MiB layer is not uploaded again for every test. Scenarios never see it: the node asks
 * only for its own repositories.
 */
export const SEED_REPO = "pullcheck-seed/blobs";
const MOUNT_FROM_BYTES = 1024 * 1024;

export class RegistryAdmin {
  private readonly users = new Map<string, string>();
  private readonly backups = new Map<string, string>();
  /** Once a scenario has had users the registry stays private, even when the last one is revoked. */
  private requiresAuth = false;
  private readonly remover: BackgroundRemover;

  constructor(
    private readonly registry: RegistryServer,
    private readonly storageDir: string,
    private readonly backupRoot: string,
    private readonly adminPassword: string,
  ) {
    this.remover = new BackgroundRemover(join(backupRoot, "..", "trash"));
  }

  /** Pushes a fixture under repo:tag (blobs first, children before an index), or moves the tag to it. */
  async pushImage(repo: string, tag: string, fixture: FixtureImage, upload: "monolithic" | "chunked" = "monolithic"): Promise<void> {
    for (const blob of fixture.blobs) await this.pushBlob(repo, blob.digest, blob.bytes, upload);
    for (const child of fixture.children) await this.putManifest(repo, child.digest, child.bytes, child.mediaType);
    await this.putManifest(repo, tag, fixture.manifest, fixture.mediaType);
  }

  /**
   * Deletes one tag and keeps the manifest (other tags still resolve): Distribution v3 accepts
   * DELETE /v2/<repo>/manifests/<tag> for a single tag (202), unlike a delete by digest, which
   * removes the manifest with every tag on it.
   */
  async untag(repo: string, tag: string): Promise<void> {
    const response = await fetch(`${this.registry.url}/v2/${repo}/manifests/${tag}`, { method: "DELETE", headers: this.headers() });
    if (response.status === 404) throw new EnvironmentError(`cannot untag ${repo}:${tag}: the registry has no such tag`);
    await this.expect(response, 202, `delete tag ${repo}:${tag}`);
  }

  async backup(name: string): Promise<void> {
    const target = join(this.backupRoot, name);
    this.remover.remove(target);
    mkdirSync(this.backupRoot, { recursive: true });
    if (existsSync(this.storageDir)) snapshotTree(this.storageDir, target);
    else mkdirSync(target, { recursive: true });
    this.backups.set(name, target);
  }

  /** A real restore: the registry is stopped, its storage replaced by the snapshot, and started again. */
  async restore(name: string): Promise<void> {
    const source = this.backups.get(name);
    if (!source) throw new EnvironmentError(`no backup named ${name} was taken in this run`);
    await this.registry.stop();
    this.remover.remove(this.storageDir);
    snapshotTree(source, this.storageDir);
    await this.registry.start();
  }

  /**
   * Empties the registry as its API sees it: every repository goes (tags, manifests, layer links,
   * uploads) but the seed. The filesystem driver keeps no state in memory, so this holds while the
   * registry runs; blob data left without a link cannot be reached through any repository.
   */
  emptyRepositories(): void {
    const repositories = join(this.storageDir, "docker", "registry", "v2", "repositories");
    const seedTop = SEED_REPO.split("/")[0];
    const names = existsSync(repositories) ? readdirSync(repositories) : [];
    for (const name of names) if (name !== seedTop) this.remover.remove(join(repositories, name));
  }

  /** Waits for removals still running in the background (call before the directory goes). */
  settle(): Promise<void> {
    return this.remover.settle();
  }

  async grant(user: string, password: string): Promise<void> {
    this.users.set(user, password);
    this.requiresAuth = true;
    await this.applyUsers();
  }

  async revoke(user: string): Promise<void> {
    this.users.delete(user);
    await this.applyUsers();
  }

  /** Forget users and backups (between tests). */
  clear(): void {
    this.users.clear();
    this.backups.clear();
    this.requiresAuth = false;
    this.remover.remove(this.backupRoot);
  }

  get hasUsers(): boolean {
    return this.requiresAuth;
  }

  /** The registry reads its htpasswd file at start, so a change of users is a restart. */
  async applyUsers(): Promise<void> {
    const all = new Map(this.users);
    if (this.requiresAuth) all.set(ADMIN_USER, this.adminPassword);
    await this.registry.setUsers(all);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const auth: Record<string, string> = this.requiresAuth
      ? { authorization: `Basic ${Buffer.from(`${ADMIN_USER}:${this.adminPassword}`).toString("base64")}` }
      : {};
    return { "user-agent": "pullcheck-admin", ...auth, ...extra };
  }

  private async pushBlob(repo: string, digest: string, bytes: Buffer, upload: "monolithic" | "chunked"): Promise<void> {
    const base = this.registry.url;
    if (await this.hasBlob(repo, digest)) return;
    if (bytes.length >= MOUNT_FROM_BYTES && repo !== SEED_REPO) {
      if (!(await this.hasBlob(SEED_REPO, digest))) await this.pushBlob(SEED_REPO, digest, bytes, upload);
      const mounted = await fetch(`${base}/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${SEED_REPO}`, {
        method: "POST",
        headers: this.headers(),
      });
      await mounted.arrayBuffer();
      if (mounted.status === 201) return;
      // 202: the registry opened an ordinary upload instead; fall through and upload.
    }
    const start = await this.expect(
      await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: this.headers() }),
      202,
      `start upload of ${digest}`,
    );
    let location = absolute(base, start.headers.get("location")!);
    if (upload === "chunked") {
      const chunk = 8 * 1024 * 1024;
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        const part = bytes.subarray(offset, offset + chunk);
        const patched = await this.expect(
          await fetch(location, {
            method: "PATCH",
            headers: this.headers({ "content-type": "application/octet-stream", "content-range": `${offset}-${offset + part.length - 1}` }),
            body: asBody(part),
          }),
          202,
          `upload a chunk of ${digest}`,
        );
        location = absolute(base, patched.headers.get("location")!);
      }
      await this.expect(await fetch(withDigest(location, digest), { method: "PUT", headers: this.headers() }), 201, `finish upload of ${digest}`);
      return;
    }
    await this.expect(
      await fetch(withDigest(location, digest), { method: "PUT", headers: this.headers({ "content-type": "application/octet-stream" }), body: asBody(bytes) }),
      201,
      `upload ${digest}`,
    );
  }

  private async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    await this.expect(
      await fetch(`${this.registry.url}/v2/${repo}/manifests/${reference}`, {
        method: "PUT",
        headers: this.headers({ "content-type": mediaType }),
        body: asBody(bytes),
      }),
      201,
      `put manifest ${repo}:${reference}`,
    );
  }

  private async hasBlob(repo: string, digest: string): Promise<boolean> {
    const head = await fetch(`${this.registry.url}/v2/${repo}/blobs/${digest}`, { method: "HEAD", headers: this.headers() });
    return head.ok;
  }

  private async expect(response: Response, status: number, what: string): Promise<Response> {
    if (response.status === status) {
      await response.arrayBuffer();
      return response;
    }
    throw new EnvironmentError(`registry refused to ${what}: HTTP ${response.status} ${await response.text()}`);
  }
}

/** The bytes as a request body without copying them (a 64 MiB layer is pushed as it is). */
function asBody(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

function absolute(base: string, location: string): string {
  return location.startsWith("http") ? location : `${base}${location}`;
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
