/**
 * CriImageService against a small local HTTP server that misbehaves on request: transfers cut,
 * tampered or hung, and the deadlines that end them.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type PullError } from "../../../harness/node/sim/cri.js";
import { VirtualClock } from "../../../harness/support/virtual-clock.js";
import { useMisbehavingRegistry, REF, layer, sha, log, service, pullFailure, storedBlobs, url, misbehave } from "./misbehaving-registry.js";

useMisbehavingRegistry();

describe("CriImageService wire behaviour: transfers", () => {
  it("should resume a cut layer with Range requests from the offset reached, and verify it whole", async () => {
    misbehave("cut blobs, ranges");
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
    misbehave("cut blobs");
    const s = service();
    const e = await pullFailure(s);
    expect(e.message).toBe(`failed to pull and unpack image "${REF}": failed to copy: unexpected EOF`);
    expect(e.failureClass).toBe("unreachable");
    expect(log.filter((line) => line.includes(sha(layer)))).toHaveLength(4);
    expect(await storedBlobs(s)).toEqual([]);
    expect(await readdir(path.join(s.store.dir, "ingest"))).toEqual([]);
  });

  it("should report the read error, not the re-open's, when the re-open fails", async () => {
    misbehave("cut once, then 404");
    const e = await pullFailure(service());
    expect(e.message).toBe(`failed to pull and unpack image "${REF}": failed to copy: unexpected EOF`);
    expect(log.filter((line) => line.includes(sha(layer)))).toEqual([`GET /v2/app/blobs/${sha(layer)}`, `GET /v2/app/blobs/${sha(layer)} bytes=100000-`]);
  });

  it("should fail tampered bytes as integrity with containerd's commit text, storing nothing", async () => {
    misbehave("tamper");
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
    misbehave("hang");
    const clock = new VirtualClock({ stallAfterMs: 300, networkShaped: true });
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
    misbehave("hang");
    const clock = new VirtualClock({ stallAfterMs: 300, networkShaped: true });
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
