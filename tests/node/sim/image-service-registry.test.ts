/**
 * CriImageService against the real environment: CNCF Distribution behind the HTTP fault gate
 * and Toxiproxy, with the catalogue's fixture images.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEnvironment, type Environment } from "../../../harness/environment/environment.js";
import { PullError, type AuthConfig } from "../../../harness/node/sim/cri.js";
import { CriImageService } from "../../../harness/node/sim/image-service/cri-image-service.js";
import { getFixture } from "../../../harness/fixture-images/catalog.js";
import { RealClock, type Clock } from "../../../harness/support/clock.js";
import { VirtualClock } from "../../../harness/support/virtual-clock.js";
import { REPO_ROOT } from "../../../harness/support/repo-root.js";

const HOST = "registry.pullcheck.test";
const REF = `${HOST}/app:latest`;
let env: Environment;
let dir = "";
let count = 0;
const services: CriImageService[] = [];

function node(clock: Clock = new RealClock()): CriImageService {
  count++;
  const s = new CriImageService({ nodeName: `node-${count}`, storeDir: path.join(dir, `node-${count}`), hosts: { [HOST]: env.endpoint }, clock });
  services.push(s);
  return s;
}

async function pullFailure(s: CriImageService, ref = REF, auth?: AuthConfig): Promise<PullError> {
  const error = await s.pullImage(ref, auth).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PullError);
  return error as PullError;
}

const blobFiles = (s: CriImageService) => readdir(path.join(s.store.dir, "blobs", "sha256")).catch(() => [] as string[]);
const url = (p: string) => `http://${env.endpoint}/v2/app/${p}?ns=${HOST}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pullcheck-cri-"));
  env = await startEnvironment({ toolsDir: path.join(REPO_ROOT, ".tools", "bin") });
});
beforeEach(async () => {
  await env.reset();
  await env.admin.pushImage("app", "latest", getFixture("v1"));
});
afterEach(() => services.splice(0).forEach((s) => s.close()));
afterAll(async () => {
  await env?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("CriImageService against the registry", () => {
  it("should pull v1 by tag, then by digest, report it as CRI does and attribute requests to the node", async () => {
    const v1 = getFixture("v1");
    const s = node();
    expect(await s.pullImage(REF, undefined, { requester: "pod/default/probe" })).toBe(v1.imageId);
    const record = await s.imageStatus(REF);
    expect(record).toMatchObject({ id: v1.imageId, repoTags: [REF], repoDigests: [`${HOST}/app@${v1.digest}`] });
    expect(record!.size).toBe(v1.blobs.reduce((sum, b) => sum + b.size, 0));
    const log = env.requests();
    expect(log.map((r) => `${r.method} ${r.path.replace(/sha256:\w+/, "<d>")}`).slice(0, 2)).toEqual([
      "HEAD /v2/app/manifests/latest",
      "GET /v2/app/manifests/<d>",
    ]);
    expect(new Set(log.map((r) => `${r.node} ${r.pod}`))).toEqual(new Set([`node-${count} probe`]));
    const other = node();
    expect(await other.pullImage(`${HOST}/app@${v1.digest}`, undefined)).toBe(v1.imageId);
    expect(await other.imageStatus(REF)).toBeNull();
    expect((await other.imageStatus(`${HOST}/app@${v1.digest}`))?.repoTags).toEqual([]);
  });

  it("should pull the Docker media type variant and pick linux/amd64 from the multiarch index", async () => {
    await env.admin.pushImage("app", "docker", getFixture("v1-docker"));
    await env.admin.pushImage("app", "multi", getFixture("multiarch"));
    const s = node();
    expect(await s.pullImage(`${HOST}/app:docker`, undefined)).toBe(getFixture("v1-docker").imageId);
    const multi = getFixture("multiarch");
    expect(await s.pullImage(`${HOST}/app:multi`, undefined)).toBe(multi.imageId);
    const stored = (await blobFiles(s)).map((hex) => `sha256:${hex}`);
    const arm = multi.children.find((c) => c.platform?.architecture !== "amd64")!;
    expect(stored).toContain(multi.digest);
    expect(stored).not.toContain(arm.digest);
    expect(await s.store.verifiesTree(multi.digest)).toBe(true);
  });

  it("should re-pull with one HEAD when every blob is present, and resolve the tag's current digest", async () => {
    const s = node();
    await s.pullImage(REF, undefined);
    const before = env.requests().length;
    await s.pullImage(REF, undefined);
    expect(
      env
        .requests()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(["HEAD /v2/app/manifests/latest"]);
    expect(await s.resolveDigest(REF, undefined)).toBe(getFixture("v1").digest);
    await env.admin.pushImage("app", "latest", getFixture("v2"));
    expect(await s.resolveDigest(REF, undefined)).toBe(getFixture("v2").digest);
  });

  it("should pull with the right Basic credentials and be denied without or with wrong ones", async () => {
    await env.admin.grant("alice", "secret");
    const s = node();
    expect(await s.pullImage(REF, { username: "alice", password: "secret" })).toBe(getFixture("v1").imageId);
    const none = await pullFailure(node());
    expect(none.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`,
    );
    expect(none.failureClass).toBe("authDenied");
    const wrong = await pullFailure(node(), REF, { username: "alice", password: "wrong" });
    expect(wrong.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": unexpected status from HEAD request to ${url("manifests/latest")}: 401 Unauthorized`,
    );
    expect([wrong.failureClass, wrong.status]).toEqual(["authDenied", 401]);
  });

  it("should fail as notFound for an unknown tag, and as unreachable when the registry is down or resets", async () => {
    const missing = await pullFailure(node(), `${HOST}/app:nope`);
    expect(missing.message).toBe(
      `rpc error: code = NotFound desc = failed to pull and unpack image "${HOST}/app:nope": failed to resolve reference "${HOST}/app:nope": ${HOST}/app:nope: not found`,
    );
    expect(missing.failureClass).toBe("notFound");
    await env.faults.apply({ kind: "down" });
    const down = await pullFailure(node());
    expect(down.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": failed to do request: Head "${url("manifests/latest")}": dial tcp ${env.endpoint}: connect: connection refused`,
    );
    expect(down.failureClass).toBe("unreachable");
    await env.faults.heal();
    await env.faults.apply({ kind: "reset" });
    const reset = await pullFailure(node());
    expect(reset.message).toMatch(/: failed to do request: Head ".*": read tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: read: connection reset by peer$/);
    expect(reset.failureClass).toBe("unreachable");
  });

  it("should cancel a black-holed pull after containerd's 5 minutes of virtual time, in about a second of real time", async () => {
    await env.faults.apply({ kind: "timeout" });
    const clock = new VirtualClock({ stallAfterMs: 300, networkShaped: true });
    const start = clock.now();
    const realStart = performance.now();
    const e = await pullFailure(node(clock));
    expect(e.message).toBe(
      `rpc error: code = Canceled desc = failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": failed to do request: Head "${url("manifests/latest")}": context canceled`,
    );
    expect(e.failureClass).toBe("timeout");
    expect(clock.now() - start).toBeGreaterThanOrEqual(5 * 60_000);
    expect(clock.now() - start).toBeLessThan(6 * 60_000);
    expect(performance.now() - realStart).toBeLessThan(3_000);
  });

  it("should classify 429 as rateLimited and 503 as serverError", async () => {
    await env.faults.apply({ kind: "http", status: 429, on: "manifests" });
    const limited = await pullFailure(node());
    expect(limited.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": unexpected status from HEAD request to ${url("manifests/latest")}: 429 Too Many Requests`,
    );
    expect(limited.failureClass).toBe("rateLimited");
    expect(env.requests().filter((r) => r.status === 429)).toHaveLength(6);
    await env.faults.heal();
    await env.faults.apply({ kind: "http", status: 503, on: "blobs" });
    const unavailable = await pullFailure(node());
    expect(unavailable.message).toMatch(
      /^failed to pull and unpack image ".*": failed to copy: httpReadSeeker: failed open: unexpected status from GET request to http:\/\/.*\/blobs\/sha256:\w+\?ns=registry\.pullcheck\.test: 503 Service Unavailable\nunavailable: injected by pullcheck's fault gate$/,
    );
    expect(unavailable.failureClass).toBe("serverError");
  });

  it("should fail tampered blobs as integrity and store nothing", async () => {
    await env.faults.apply({ kind: "tamper", on: "blobs" });
    const s = node();
    const e = await pullFailure(s);
    expect(e.message).toMatch(
      /^rpc error: code = FailedPrecondition desc = failed to pull and unpack image ".*": failed commit on ref "(layer|config)-sha256:\w+": unexpected commit digest sha256:\w+, expected sha256:\w+: failed precondition$/,
    );
    expect(e.failureClass).toBe("integrity");
    expect(await blobFiles(s)).toEqual([]);
    expect(await s.listImages()).toEqual([]);
  });

  it("should finish a fat pull whose connections are cut after 1 MiB, resuming with Range requests", async () => {
    await env.admin.pushImage("app", "fat", getFixture("fat"));
    await env.faults.apply({ kind: "cut", bytes: 1024 * 1024 });
    const s = node();
    expect(await s.pullImage(`${HOST}/app:fat`, undefined)).toBe(getFixture("fat").imageId);
    const layer = getFixture("fat").blobs.reduce((a, b) => (b.size > a.size ? b : a));
    await vi.waitFor(() => expect(env.requests().filter((r) => r.path.endsWith(layer.digest) && r.status === 206).length).toBeGreaterThanOrEqual(63));
    const layerGets = env.requests().filter((r) => r.path.endsWith(layer.digest));
    // One answer from byte 0, then one per cut, each from the offset reached: 64 MiB at 1 MiB a connection.
    expect(layerGets[0]).toMatchObject({ method: "GET", status: 200, aborted: true });
    expect(layerGets.slice(1).every((r) => r.status === 206)).toBe(true);
    expect(await s.imageStatus(`${HOST}/app:fat`)).not.toBeNull();
  });
});
