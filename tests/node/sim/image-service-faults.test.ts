/**
 * CriImageService against a small local HTTP server that serves one image and misbehaves on
 * request: checks the wire behaviour (retries, resets, cuts, hangs) and the error texts without
 * the full environment. tests/node/sim/image-service-registry.test.ts runs the real registry.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CriImageService } from "../../../harness/node/sim/image-service/cri-image-service.js";
import { PullError } from "../../../harness/node/sim/cri.js";
import { RealClock, VirtualClock, type Clock } from "../../../harness/support/clock.js";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
const layer = Buffer.alloc(256 * 1024, 7);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(config), size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha(layer), size: layer.length }],
  }),
);
const blobs = new Map([
  [sha(config), config],
  [sha(layer), layer],
]);

/**
 * "cut blobs": every layer answer is 200 with the whole length, and ends after 100 000 bytes (Range
 * ignored); "cut blobs, ranges": the same cut, but Range requests get 206 from the offset;
 * "cut once, then 404": the first layer answer is cut, every later one is a 404.
 */
type Mode = "ok" | "429" | "503 blobs" | "reset" | "cut blobs" | "cut blobs, ranges" | "cut once, then 404" | "hang" | "tamper" | "405 on HEAD, 403 on GET";
let mode: Mode = "ok";
const log: string[] = [];

const server = http.createServer((req, res) => {
  const url = new URL(req.url!, "http://x");
  log.push(`${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ""}`);
  const isBlob = url.pathname.includes("/blobs/");
  if (mode === "reset") return req.socket.resetAndDestroy();
  if (mode === "hang") return;
  if (mode === "429") return res.writeHead(429, "Too Many Requests").end();
  if (mode === "405 on HEAD, 403 on GET") return res.writeHead(req.method === "HEAD" ? 405 : 403).end();
  if (mode === "503 blobs" && isBlob) {
    res.writeHead(503, { "content-type": "application/json" });
    return res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "service unavailable" }] }));
  }
  const m = /^\/v2\/app\/manifests\/(.+)$/.exec(url.pathname);
  if (m && (m[1] === "latest" || m[1] === sha(manifest))) {
    res.writeHead(200, {
      "content-type": "application/vnd.oci.image.manifest.v1+json",
      "content-length": manifest.length,
      "docker-content-digest": sha(manifest),
    });
    return res.end(req.method === "HEAD" ? undefined : manifest);
  }
  const b = /^\/v2\/app\/blobs\/(.+)$/.exec(url.pathname);
  const blob = b ? blobs.get(b[1]!) : undefined;
  if (!blob) return res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  if (blob === layer && mode === "cut once, then 404" && log.filter((line) => line.includes(sha(layer))).length > 1) return res.writeHead(404).end();
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  if (blob === layer && mode === "cut blobs, ranges" && range) {
    const from = Number(range[1]);
    res.writeHead(206, { "content-length": blob.length - from, "content-range": `bytes ${from}-${blob.length - 1}/${blob.length}` });
    res.write(blob.subarray(from, from + 100_000));
    if (from + 100_000 >= blob.length) return res.end();
    setTimeout(() => req.socket.end(), 20);
    return;
  }
  res.writeHead(200, { "content-length": blob.length });
  if ((mode === "cut blobs" || mode === "cut blobs, ranges" || mode === "cut once, then 404") && blob === layer) {
    res.write(blob.subarray(0, 100_000));
    setTimeout(() => req.socket.end(), 20);
    return;
  }
  if (mode === "tamper" && blob === layer) return res.end(Buffer.from(blob).fill(8, 0, 1));
  res.end(blob);
});

const REF = "registry.pullcheck.test/app:latest";
let endpoint = "";
let dir = "";
const services: CriImageService[] = [];

function service(clock: Clock = new RealClock(), hosts = { "registry.pullcheck.test": endpoint }) {
  const s = new CriImageService({ nodeName: "node-a", storeDir: path.join(dir, `node-${services.length}`), hosts, clock });
  services.push(s);
  return s;
}

async function pullFailure(s: CriImageService, ref = REF): Promise<PullError> {
  const error = await s.pullImage(ref, undefined).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PullError);
  return error as PullError;
}

async function storedBlobs(s: CriImageService): Promise<string[]> {
  return readdir(path.join(s.store.dir, "blobs", "sha256")).catch(() => []);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pullcheck-image-service-"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  mode = "ok";
  log.length = 0;
});
afterAll(async () => {
  services.forEach((s) => s.close());
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const url = (p: string) => `http://${endpoint}/v2/app/${p}?ns=registry.pullcheck.test`;

describe("CriImageService wire behaviour", () => {
  it("should pull, store and then skip blobs it already has", async () => {
    const s = service();
    expect(await s.pullImage(REF, undefined)).toBe(sha(config));
    expect(log.slice(0, 2)).toEqual(["HEAD /v2/app/manifests/latest", `GET /v2/app/manifests/${sha(manifest)}`]);
    // Config and layer are fetched at once, as containerd does: their order is a race.
    expect(log.slice(2).sort()).toEqual([`GET /v2/app/blobs/${sha(config)}`, `GET /v2/app/blobs/${sha(layer)}`].sort());
    log.length = 0;
    await s.pullImage(REF, undefined);
    expect(log).toEqual(["HEAD /v2/app/manifests/latest"]);
  });

  it("should send a request answered 429 six times (containerd v2.2.0), then fail as rateLimited with containerd's text", async () => {
    mode = "429";
    const e = await pullFailure(service());
    expect(e.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": unexpected status from HEAD request to ${url("manifests/latest")}: 429 Too Many Requests`,
    );
    expect([e.failureClass, e.status, log.length]).toEqual(["rateLimited", 429, 6]);
  });

  it("should retry a 503 once and add the registry's error body to the text", async () => {
    mode = "503 blobs";
    const s = service();
    const e = await pullFailure(s);
    // Config and layer download at once (as containerd's do): either may be the first failure.
    const failed = /blobs\/(sha256:[a-f0-9]{64})\?/.exec(e.message)?.[1] ?? "";
    expect(e.message).toBe(
      `failed to pull and unpack image "${REF}": failed to copy: httpReadSeeker: failed open: unexpected status from GET request to ${url(`blobs/${failed}`)}: 503 Service Unavailable\nunavailable`,
    );
    expect(e.failureClass).toBe("serverError");
    expect(log.filter((l) => l === `GET /v2/app/blobs/${failed}`)).toHaveLength(2);
    expect(await storedBlobs(s)).toEqual([]);
  });

  it("should report a reset as Go's connection reset by peer, class unreachable", async () => {
    mode = "reset";
    const e = await pullFailure(service());
    expect(e.message).toMatch(
      new RegExp(
        `: failed to do request: Head "${url("manifests/latest").replace(/[?.]/g, "\\$&")}": read tcp 127\\.0\\.0\\.1:\\d+->${endpoint}: read: connection reset by peer$`,
      ),
    );
    expect(e.failureClass).toBe("unreachable");
  });

  it("should report connection refused, class unreachable, without a gRPC prefix", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await pullFailure(service(new RealClock(), { "registry.pullcheck.test": `http://127.0.0.1:${port}` }));
    expect(e.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": failed to do request: Head "http://127.0.0.1:${port}/v2/app/manifests/latest?ns=registry.pullcheck.test": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    expect(e.failureClass).toBe("unreachable");
  });

  it("should name the GET in the error when a HEAD answered 405 was retried as GET", async () => {
    mode = "405 on HEAD, 403 on GET";
    const e = await pullFailure(service());
    expect(log).toEqual(["HEAD /v2/app/manifests/latest", "GET /v2/app/manifests/latest"]);
    expect(e.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": unexpected status from GET request to ${url("manifests/latest")}: 403 Forbidden`,
    );
  });

  it("should keep NotFound's gRPC prefix for an unknown tag", async () => {
    const e = await pullFailure(service(), "registry.pullcheck.test/app:nope");
    const ref = "registry.pullcheck.test/app:nope";
    expect(e.message).toBe(
      `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
    );
    expect([e.failureClass, e.status]).toEqual(["notFound", 404]);
  });

  it("should resume a cut layer with Range requests from the offset reached, and verify it whole", async () => {
    mode = "cut blobs, ranges";
    const s = service();
    await s.pullImage(REF, undefined);
    expect(log.filter((line) => line.includes(sha(layer)))).toEqual([
      `GET /v2/app/blobs/${sha(layer)}`,
      `GET /v2/app/blobs/${sha(layer)} bytes=100000-`,
      `GET /v2/app/blobs/${sha(layer)} bytes=200000-`,
    ]);
    expect(await storedBlobs(s)).toContain(sha(layer).slice("sha256:".length));
  });

  it("should give up on a cut layer after 3 re-opens that bring no byte: unexpected EOF, class unreachable, storing nothing", async () => {
    // The server ignores Range: each re-open answers 200 from byte 0 and is cut before the
    // offset, so the skipped bytes are no progress.
    mode = "cut blobs";
    const s = service();
    const e = await pullFailure(s);
    expect(e.message).toBe(`failed to pull and unpack image "${REF}": failed to copy: unexpected EOF`);
    expect(e.failureClass).toBe("unreachable");
    expect(log.filter((line) => line.includes(sha(layer)))).toHaveLength(4);
    expect(await storedBlobs(s)).toEqual([]);
    expect(await readdir(path.join(s.store.dir, "ingest"))).toEqual([]);
  });

  it("should report the read error, not the re-open's, when the re-open fails", async () => {
    mode = "cut once, then 404";
    const e = await pullFailure(service());
    expect(e.message).toBe(`failed to pull and unpack image "${REF}": failed to copy: unexpected EOF`);
    expect(log.filter((line) => line.includes(sha(layer)))).toEqual([`GET /v2/app/blobs/${sha(layer)}`, `GET /v2/app/blobs/${sha(layer)} bytes=100000-`]);
  });

  it("should fail tampered bytes as integrity with containerd's commit text, storing nothing", async () => {
    mode = "tamper";
    const s = service();
    const e = await pullFailure(s);
    const tampered = sha(Buffer.from(layer).fill(8, 0, 1));
    expect(e.message).toBe(
      `rpc error: code = FailedPrecondition desc = failed to pull and unpack image "${REF}": failed commit on ref "layer-${sha(layer)}": unexpected commit digest ${tampered}, expected ${sha(layer)}: failed precondition`,
    );
    expect(e.failureClass).toBe("integrity");
    expect(await storedBlobs(s)).toEqual([]);
    expect(await s.imageStatus(REF)).toBeNull();
  });

  it("should cancel a hung pull after 5 virtual minutes without progress, in about stallAfterMs", async () => {
    mode = "hang";
    const clock = new VirtualClock({ stallAfterMs: 300 });
    const start = clock.now();
    const realStart = performance.now();
    const e = await pullFailure(service(clock));
    expect(e.message).toBe(
      `rpc error: code = Canceled desc = failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": failed to do request: Head "${url("manifests/latest")}": context canceled`,
    );
    expect(e.failureClass).toBe("timeout");
    expect(clock.now() - start).toBeGreaterThanOrEqual(5 * 60_000);
    expect(performance.now() - realStart).toBeLessThan(3_000);
  });

  it("should end a resolve at its timeout on the node's clock", async () => {
    mode = "hang";
    const clock = new VirtualClock({ stallAfterMs: 300 });
    const start = clock.now();
    const e = await service(clock)
      .resolveDigest(REF, undefined, { timeoutMs: 10_000 })
      .then(
        () => undefined,
        (x: unknown) => x as PullError,
      );
    expect(e?.message).toBe(
      `rpc error: code = DeadlineExceeded desc = failed to resolve reference "${REF}": failed to do request: Head "${url("manifests/latest")}": context deadline exceeded`,
    );
    expect(e?.failureClass).toBe("timeout");
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
    expect(clock.now() - start).toBeLessThan(60_000);
  });
});
