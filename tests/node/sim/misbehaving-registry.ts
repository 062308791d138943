/**
 * A small local HTTP server that serves one image and misbehaves on request, for the wire
 * behaviour tests of CriImageService (retries, resets, cuts, hangs) without the full environment.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { CriImageService } from "../../../harness/node/sim/image-service/cri-image-service.js";
import { PullError } from "../../../harness/node/sim/cri.js";
import { RealClock, type Clock } from "../../../harness/support/clock.js";

export const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
export const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
export const layer = Buffer.alloc(256 * 1024, 7);
export const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(config), size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha(layer), size: layer.length }],
  }),
);
export const blobs = new Map([
  [sha(config), config],
  [sha(layer), layer],
]);

/**
 * "cut blobs": every layer answer is 200 with the whole length, and ends after 100 000 bytes (Range
 * ignored); "cut blobs, ranges": the same cut, but Range requests get 206 from the offset;
 * "cut once, then 404": the first layer answer is cut, every later one is a 404.
 */
/**
 * Hostile answers: "huge manifest" says its manifest is 5,000,000 bytes; "endless manifest" gives
 * no digest header and a manifest body without end; "endless layer" sends the layer as a chunked body
 * without end; "redirect elsewhere" and "redirect to https" send
 * the manifest GET to another loopback host or to https.
 */
export type Mode =
  | "ok"
  | "429"
  | "503 blobs"
  | "reset"
  | "cut blobs"
  | "cut blobs, ranges"
  | "cut once, then 404"
  | "hang"
  | "tamper"
  | "405 on HEAD, 403 on GET"
  | "huge manifest"
  | "endless manifest"
  | "endless layer"
  | "redirect elsewhere"
  | "redirect to https";
let mode: Mode = "ok";
/** How the server misbehaves for the current test (reset to "ok" after each). */
export function misbehave(next: Mode): void {
  mode = next;
}
/** Requests the server saw in the current test: "METHOD path [range]". */
export const log: string[] = [];
/** Body bytes the server sent in the current test. */
export const sent = { bytes: 0 };

/** Writes bytes until the client goes away. */
function endless(res: http.ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const pump = () => {
    while (!res.destroyed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}

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
  if (m && mode === "huge manifest")
    return res
      .writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json", "content-length": 5_000_000, "docker-content-digest": sha(manifest) })
      .end();
  if (m && mode === "endless manifest") {
    res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
    return req.method === "HEAD" ? res.end() : endless(res);
  }
  if (m && req.method === "GET" && (mode === "redirect elsewhere" || mode === "redirect to https")) {
    const [, port] = endpoint.split(":");
    const host = mode === "redirect elsewhere" ? `http://127.0.0.2:${port}` : `https://${endpoint}`;
    return res.writeHead(307, { location: `${host}${url.pathname}` }).end();
  }
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
  if (mode === "endless layer" && blob === layer) return endless(res.writeHead(200));
  res.writeHead(200, { "content-length": blob.length });
  if ((mode === "cut blobs" || mode === "cut blobs, ranges" || mode === "cut once, then 404") && blob === layer) {
    res.write(blob.subarray(0, 100_000));
    setTimeout(() => req.socket.end(), 20);
    return;
  }
  if (mode === "tamper" && blob === layer) return res.end(Buffer.from(blob).fill(8, 0, 1));
  res.end(blob);
});

export const REF = "registry.pullcheck.test/app:latest";
let endpoint = "";
/** host:port of the server. */
export const endpointOf = () => endpoint;
let dir = "";
const services: CriImageService[] = [];

export function service(clock: Clock = new RealClock(), hosts = { "registry.pullcheck.test": endpoint }) {
  const s = new CriImageService({ nodeName: "node-a", storeDir: path.join(dir, `node-${services.length}`), hosts, clock });
  services.push(s);
  return s;
}

export async function pullFailure(s: CriImageService, ref = REF): Promise<PullError> {
  const error = await s.pullImage(ref, undefined).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PullError);
  return error as PullError;
}

export async function storedBlobs(s: CriImageService): Promise<string[]> {
  return readdir(path.join(s.store.dir, "blobs", "sha256")).catch(() => []);
}

/** Starts the server for the calling test file, and resets it after each test. */
export function useMisbehavingRegistry(): void {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pullcheck-image-service-"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    mode = "ok";
    log.length = 0;
    sent.bytes = 0;
  });
  afterAll(async () => {
    services.forEach((s) => s.close());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
}

export const url = (p: string) => `http://${endpoint}/v2/app/${p}?ns=registry.pullcheck.test`;
