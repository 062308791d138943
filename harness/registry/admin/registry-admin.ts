/**
 * What scenarios do to the registry, through its own HTTP API (push, tag moves, tag deletion)
 * and through its storage where the API has nothing: backup and restore (stop, swap the storage,
 * start — a real restored-from-backup registry).
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../../support/errors.js";
import type { FixtureImage } from "../fixtures/types.js";
import type { RegistryProcess } from "../launcher/registry-process.js";

export const ADMIN_USER = "pullcheck-admin";

export class RegistryAdmin {
  private readonly users = new Map<string, string>();
  private readonly backups = new Map<string, string>();
  /** Once a scenario has had users the registry stays private, even when the last one is revoked. */
  private requiresAuth = false;

  constructor(
    private readonly registry: RegistryProcess,
    private readonly storageDir: string,
    private readonly backupRoot: string,
    private readonly adminPassword: string,
  ) {}

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
    rmSync(target, { recursive: true, force: true });
    mkdirSync(this.backupRoot, { recursive: true });
    if (existsSync(this.storageDir)) cpSync(this.storageDir, target, { recursive: true });
    else mkdirSync(target, { recursive: true });
    this.backups.set(name, target);
  }

  /** A real restore: the registry is stopped, its storage replaced by the snapshot, and started again. */
  async restore(name: string): Promise<void> {
    const source = this.backups.get(name);
    if (!source) throw new EnvironmentError(`no backup named ${name} was taken in this run`);
    await this.registry.stop();
    rmSync(this.storageDir, { recursive: true, force: true });
    cpSync(source, this.storageDir, { recursive: true });
    await this.registry.start();
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
    rmSync(this.backupRoot, { recursive: true, force: true });
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
    const auth: Record<string, string> = this.requiresAuth ? { authorization: `Basic ${Buffer.from(`${ADMIN_USER}:${this.adminPassword}`).toString("base64")}` } : {};
    return { "user-agent": "pullcheck-admin", ...auth, ...extra };
  }

  private async pushBlob(repo: string, digest: string, bytes: Buffer, upload: "monolithic" | "chunked"): Promise<void> {
    const base = this.registry.url;
    const head = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: "HEAD", headers: this.headers() });
    if (head.ok) return;
    const start = await this.expect(await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: this.headers() }), 202, `start upload of ${digest}`);
    let location = absolute(base, start.headers.get("location")!);
    if (upload === "chunked") {
      const chunk = 8 * 1024 * 1024;
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        const part = bytes.subarray(offset, offset + chunk);
        const patched = await this.expect(
          await fetch(location, { method: "PATCH", headers: this.headers({ "content-type": "application/octet-stream", "content-range": `${offset}-${offset + part.length - 1}` }), body: new Uint8Array(part) }),
          202,
          `upload a chunk of ${digest}`,
        );
        location = absolute(base, patched.headers.get("location")!);
      }
      await this.expect(await fetch(withDigest(location, digest), { method: "PUT", headers: this.headers() }), 201, `finish upload of ${digest}`);
      return;
    }
    await this.expect(
      await fetch(withDigest(location, digest), { method: "PUT", headers: this.headers({ "content-type": "application/octet-stream" }), body: new Uint8Array(bytes) }),
      201,
      `upload ${digest}`,
    );
  }

  private async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    await this.expect(
      await fetch(`${this.registry.url}/v2/${repo}/manifests/${reference}`, { method: "PUT", headers: this.headers({ "content-type": mediaType }), body: new Uint8Array(bytes) }),
      201,
      `put manifest ${repo}:${reference}`,
    );
  }

  private async expect(response: Response, status: number, what: string): Promise<Response> {
    if (response.status === status) {
      await response.arrayBuffer();
      return response;
    }
    throw new EnvironmentError(`registry refused to ${what}: HTTP ${response.status} ${await response.text()}`);
  }
}

function absolute(base: string, location: string): string {
  return location.startsWith("http") ? location : `${base}${location}`;
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
