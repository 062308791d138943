/**
 * The real registry behind the real Toxiproxy and the gate: what a plain HTTP client sees for
 * each fault and each registry operation.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEnvironment, type Environment } from "../../harness/environment/environment.js";
import { getFixture } from "../../harness/fixture-images/catalog.js";
import { SEED_REPO } from "../../harness/environment/registry/registry-admin.js";
import { EnvironmentError } from "../../harness/support/errors.js";
import { REPO_ROOT } from "../../harness/support/repo-root.js";
import { join } from "node:path";

const TOOLS = join(REPO_ROOT, ".tools", "bin");
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on a fresh connection, with its own deadline; rejects with the socket error code. */
function get(env: Environment, path: string, options: { method?: string; deadlineMs?: number; user?: string } = {}): Promise<Answer> {
  const [host, port] = env.endpoint.split(":");
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: MANIFEST, "user-agent": "pullcheck-node/test-node pod/default/probe" };
    if (options.user) headers.authorization = `Basic ${Buffer.from(options.user).toString("base64")}`;
    const req = request({ host, port: Number(port), path, method: options.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", (e: NodeJS.ErrnoException) => reject(e.code ?? e.message));
      res.on("aborted", () => reject("ABORTED"));
    });
    req.setTimeout(options.deadlineMs ?? 5_000, () => req.destroy(Object.assign(new Error("client deadline"), { code: "CLIENT_DEADLINE" })));
    req.on("error", (e: NodeJS.ErrnoException) => reject(e.code ?? e.message));
    req.end();
  });
}

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const layerOf = (variant: string) => getFixture(variant).blobs.find((b) => b.mediaType.includes("layer"))!;

describe("environment", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await startEnvironment({ toolsDir: TOOLS });
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(async () => {
    await env.reset();
    await env.admin.pushImage("app", "latest", getFixture("v1"));
  });

  it("should serve pushed images through Toxiproxy and the gate", async () => {
    const answer = await get(env, "/v2/app/manifests/latest");
    expect(answer.status).toBe(200);
    expect(answer.headers["docker-content-digest"]).toBe(getFixture("v1").digest);
  });

  it("down: connection refused", async () => {
    await env.faults.apply({ kind: "down" });
    await expect(get(env, "/v2/")).rejects.toBe("ECONNREFUSED");
    await env.faults.heal();
    expect((await get(env, "/v2/")).status).toBe(200);
  });

  it("timeout: the request hangs until the client's own deadline", async () => {
    await env.faults.apply({ kind: "timeout" });
    const started = performance.now();
    await expect(get(env, "/v2/", { deadlineMs: 500 })).rejects.toBe("CLIENT_DEADLINE");
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("reset: connection reset by peer", async () => {
    await env.faults.apply({ kind: "reset" });
    await expect(get(env, "/v2/")).rejects.toBe("ECONNRESET");
  });

  it("latency: every answer is late by at least the latency", async () => {
    await env.faults.apply({ kind: "latency", latencyMs: 300 });
    const started = performance.now();
    await get(env, "/v2/");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("bandwidth: a 64 MiB blob arrives at about the rate", async () => {
    await env.admin.pushImage("big", "latest", getFixture("fat"));
    await env.faults.apply({ kind: "bandwidth", bytesPerSecond: 64 * 1024 * 1024 });
    const started = performance.now();
    const answer = await get(env, `/v2/big/blobs/${layerOf("fat").digest}`, { deadlineMs: 30_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(answer.body.length).toBe(layerOf("fat").size);
    expect(seconds).toBeGreaterThan(0.8);
  });

  it("cut: the blob download ends short", async () => {
    await env.admin.pushImage("big", "latest", getFixture("fat"));
    await env.faults.apply({ kind: "cut", bytes: 1024 * 1024 });
    const outcome = await get(env, `/v2/big/blobs/${layerOf("fat").digest}`).then(
      (a) => a.body.length,
      (code) => code,
    );
    expect(outcome === "ABORTED" || outcome === "ECONNRESET" || (typeof outcome === "number" && outcome < layerOf("fat").size)).toBe(true);
    // The registry did answer: the request is in the access log, marked as cut off. The gate
    // learns of the cut when its side of the connection closes, which may come a little after
    // the client's.
    const logged = await vi.waitFor(
      () => {
        const entry = env.requests().find((r) => r.path.endsWith(layerOf("fat").digest));
        if (!entry) throw new Error("the cut blob GET is not in the log yet");
        return entry;
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(logged).toMatchObject({ method: "GET", status: 200, aborted: true });
    expect(logged.bytes).toBeLessThan(layerOf("fat").size);
  });

  it("http 429: 429 with Retry-After, recorded as injected", async () => {
    await env.faults.apply({ kind: "http", status: 429, on: "all", retryAfterMs: 30_000 });
    const answer = await get(env, "/v2/app/manifests/latest");
    expect(answer.status).toBe(429);
    expect(answer.headers["retry-after"]).toBe("30");
    expect(env.requests().at(-1)).toMatchObject({ status: 429, injected: true, node: "test-node", pod: "probe" });
  });

  it("http 503 on blobs: manifests still answer", async () => {
    await env.faults.apply({ kind: "http", status: 503, on: "blobs" });
    expect((await get(env, "/v2/app/manifests/latest")).status).toBe(200);
    expect((await get(env, `/v2/app/blobs/${layerOf("v1").digest}`)).status).toBe(503);
  });

  it("tamper: same length, other bytes, so the digest no longer verifies", async () => {
    await env.faults.apply({ kind: "tamper", on: "blobs" });
    const answer = await get(env, `/v2/app/blobs/${layerOf("v1").digest}`);
    expect(answer.body.length).toBe(layerOf("v1").size);
    expect(sha256(answer.body)).not.toBe(layerOf("v1").digest);
  });

  it("untag: 404 for that tag, not for another tag of the same manifest", async () => {
    await env.admin.pushImage("app", "keep", getFixture("v1"), "chunked");
    await env.admin.untag("app", "latest");
    expect((await get(env, "/v2/app/manifests/latest")).status).toBe(404);
    expect((await get(env, "/v2/app/manifests/keep")).status).toBe(200);
  });

  it("push: Docker media types and an image index", async () => {
    await env.admin.pushImage("docker", "1", getFixture("v1-docker"));
    await env.admin.pushImage("multi", "1", getFixture("multiarch"));
    expect((await get(env, "/v2/docker/manifests/1")).headers["docker-content-digest"]).toBe(getFixture("v1-docker").digest);
    expect((await get(env, "/v2/multi/manifests/1")).headers["docker-content-digest"]).toBe(getFixture("multiarch").digest);
  });

  it("restore: a restarted registry on an older snapshot brings the older tag target back", async () => {
    await env.admin.backup("before");
    await env.admin.pushImage("app", "latest", getFixture("v2"));
    expect((await get(env, "/v2/app/manifests/latest")).headers["docker-content-digest"]).toBe(getFixture("v2").digest);
    await env.admin.restore("before");
    expect((await get(env, "/v2/app/manifests/latest")).headers["docker-content-digest"]).toBe(getFixture("v1").digest);
  });

  it("reset: what a test pushed is gone, a large layer included, and is served again after a new push", async () => {
    const fat = getFixture("fat");
    await env.admin.pushImage("big", "latest", fat);
    expect((await get(env, `/v2/big/blobs/${layerOf("fat").digest}`, { method: "HEAD" })).status).toBe(200);
    await env.reset();
    expect((await get(env, "/v2/app/manifests/latest")).status).toBe(404);
    expect((await get(env, "/v2/big/manifests/latest")).status).toBe(404);
    expect((await get(env, `/v2/big/blobs/${layerOf("fat").digest}`, { method: "HEAD" })).status).toBe(404);
    // The layer outlives the reset only in the seed repository, from which the next push mounts it.
    expect((await fetch(`${env.registryUrl}/v2/${SEED_REPO}/blobs/${layerOf("fat").digest}`, { method: "HEAD" })).status).toBe(200);
    await env.admin.pushImage("other", "1", fat);
    const answer = await get(env, `/v2/other/blobs/${layerOf("fat").digest}`, { deadlineMs: 30_000 });
    expect(sha256(answer.body)).toBe(layerOf("fat").digest);
  });

  it("grant and revoke: 200 turns into 401 for the revoked user, another user keeps access", async () => {
    await env.admin.grant("alice", "a-pw");
    await env.admin.grant("bob", "b-pw");
    expect((await get(env, "/v2/app/manifests/latest")).status).toBe(401);
    expect((await get(env, "/v2/app/manifests/latest", { user: "alice:a-pw" })).status).toBe(200);
    await env.admin.revoke("alice");
    expect((await get(env, "/v2/app/manifests/latest", { user: "alice:a-pw" })).status).toBe(401);
    expect((await get(env, "/v2/app/manifests/latest", { user: "bob:b-pw" })).status).toBe(200);
    expect(env.requests().at(-1)).toMatchObject({ method: "GET", path: "/v2/app/manifests/latest", status: 200, user: "bob" });
  });
});

describe("environment start-up errors", () => {
  it("should say the binary is missing and that make setup installs it", async () => {
    const error = await startEnvironment({ toolsDir: "/nonexistent" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toContain("make setup");
  });

  it("should refuse an unwritable temporary directory with a hint", async () => {
    const error = await startEnvironment({ toolsDir: TOOLS, tempRoot: "/etc/hostname/pullcheck" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toContain("writable directory");
  });
});
