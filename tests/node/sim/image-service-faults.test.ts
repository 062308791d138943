/**
 * CriImageService against a small local HTTP server that misbehaves on request: retries, statuses,
 * resets and refusals, and their error texts, without the full environment.
 * tests/node/sim/image-service-registry.test.ts runs the real registry.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { RealClock } from "../../../harness/support/clock.js";
import {
  useMisbehavingRegistry,
  endpointOf,
  REF,
  config,
  manifest,
  layer,
  sha,
  log,
  service,
  pullFailure,
  storedBlobs,
  url,
  misbehave,
} from "./misbehaving-registry.js";

useMisbehavingRegistry();

describe("CriImageService wire behaviour: statuses and connections", () => {
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
    misbehave("429");
    const e = await pullFailure(service());
    expect(e.message).toBe(
      `failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": unexpected status from HEAD request to ${url("manifests/latest")}: 429 Too Many Requests`,
    );
    expect([e.failureClass, e.status, log.length]).toEqual(["rateLimited", 429, 6]);
  });

  it("should retry a 503 once and add the registry's error body to the text", async () => {
    misbehave("503 blobs");
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
    misbehave("reset");
    const e = await pullFailure(service());
    expect(e.message).toMatch(
      new RegExp(
        `: failed to do request: Head "${url("manifests/latest").replace(/[?.]/g, "\\$&")}": read tcp 127\\.0\\.0\\.1:\\d+->${endpointOf()}: read: connection reset by peer$`,
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
    misbehave("405 on HEAD, 403 on GET");
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
});
