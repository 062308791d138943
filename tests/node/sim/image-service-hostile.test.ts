/**
 * A registry that attacks the node: bodies without end, a manifest too large, redirects away from
 * the registry host. Each ends the pull with a clear error, and the node stops reading early.
 */
import { describe, expect, it } from "vitest";
import { MAX_MANIFEST_SIZE } from "../../../harness/node/sim/registry-client/limits.js";
import { REF, layer, misbehave, pullFailure, sent, service, sha, storedBlobs, useMisbehavingRegistry } from "./misbehaving-registry.js";

useMisbehavingRegistry();

describe("CriImageService against a hostile registry", () => {
  it("should reject a manifest larger than containerd's MaxManifestSize without fetching it", async () => {
    misbehave("huge manifest");
    const e = await pullFailure(service());
    expect(e.message).toBe(
      `rpc error: code = NotFound desc = failed to pull and unpack image "${REF}": failed to resolve reference "${REF}": rejecting 5000000 byte manifest for ${REF}: not found`,
    );
    expect(e.failureClass).toBe("notFound");
    expect(sent.bytes).toBe(0);
  });

  it("should stop reading a manifest without a digest header one byte past the limit", async () => {
    misbehave("endless manifest");
    const e = await pullFailure(service());
    expect(e.message).toContain(`rejecting more than ${MAX_MANIFEST_SIZE} byte manifest for ${REF}: not found`);
    // What the server could push before the node closed the connection: the limit and the socket buffers.
    expect(sent.bytes).toBeLessThan(MAX_MANIFEST_SIZE + 16 * 1024 * 1024);
  });

  it("should stop reading a layer at the first byte past its descriptor's size, and store nothing", async () => {
    misbehave("endless layer");
    const s = service();
    const e = await pullFailure(s);
    expect(e.message).toMatch(new RegExp(`unexpected commit size \\d+, expected ${layer.length}`));
    expect(sent.bytes).toBeLessThan(layer.length + 16 * 1024 * 1024);
    expect(await storedBlobs(s)).not.toContain(sha(layer).slice("sha256:".length));
  });

  it("should not follow a redirect to a host the node cannot resolve", async () => {
    misbehave("redirect elsewhere");
    const e = await pullFailure(service());
    expect(e.message).toContain("dial tcp: lookup 127.0.0.2: no such host");
    expect(e.failureClass).toBe("unreachable");
  });

  it("should not fetch an https:// Location over plain HTTP", async () => {
    misbehave("redirect to https");
    const e = await pullFailure(service());
    expect(e.message).toContain("http: server gave HTTP response to HTTPS client");
  });
});
