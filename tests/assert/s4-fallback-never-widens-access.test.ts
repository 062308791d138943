import { describe, expect, it } from "vitest";
import { s4 } from "../../harness/assert/invariants/s4-fallback-never-widens-access.js";
import type { InvariantContext, PodFacts } from "../../harness/assert/invariants/invariant.js";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import { Timeline } from "../../harness/observe/timeline.js";
import type { Observation } from "../../harness/observe/observation.js";
import { credentialFingerprint } from "../../harness/support/credential-fingerprint.js";

const APP_DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER_DIGEST = `sha256:${"b".repeat(64)}`;

function manifestGet(repo: string, user: string | undefined, password: string, digest: string): Observation {
  return {
    kind: "request",
    at: 0,
    pod: undefined,
    node: "node-1",
    method: "GET",
    path: `/v2/${repo}/manifests/latest`,
    status: 200,
    bytes: 500,
    user,
    ...(user ? { credential: credentialFingerprint(user, password) } : {}),
    digest,
    injected: false,
  };
}

const fallbackOf = (pod: string): Observation => ({
  kind: "event",
  at: 0,
  pod,
  type: "Warning",
  reason: "ImagePullFallback",
  message: `Registry check failed (unreachable): dial tcp: connection refused; starting cached image "registry.pullcheck.test/private:latest" (${APP_DIGEST})`,
});

/** A timeline of these requests, then bob's pod falling back to alice's cached private:latest. */
function judge(requests: Observation[], bob: Partial<PodFacts> = {}) {
  const timeline = new Timeline();
  for (const o of requests) timeline.add(o);
  const pod: PodFacts = {
    name: "bob",
    image: "registry.pullcheck.test/private:latest",
    policy: "SafeFallback",
    secret: { user: "bob", password: "bob-secret" },
    runIndex: timeline.length,
    ...bob,
  };
  timeline.add(fallbackOf("bob"));
  const context: InvariantContext = {
    timeline,
    pods: [pod],
    policies: new Map(builtinPolicies().map((p) => [p.name, p])),
    registryPrivate: true,
    contentVerified: () => undefined,
    knownDigests: new Set(),
  };
  return s4.check(context);
}

describe("S4: a fallback never widens access", () => {
  it("should hold when the registry served this image to the pod's own user and password", () => {
    const result = judge([manifestGet("private", "bob", "bob-secret", APP_DIGEST)]);
    expect(result.verdict).toBe("held");
    expect(result.details[0]).toContain("the same user and password (bob)");
  });

  it("should break when the pod's user was served another image only", () => {
    const result = judge([manifestGet("private", "alice", "alice-secret", APP_DIGEST), manifestGet("other", "bob", "bob-secret", OTHER_DIGEST)]);
    expect(result.verdict).toBe("violated");
    expect(result.details[0]).toContain(
      `pod/bob started a cached private image (private@${APP_DIGEST}) that the registry never served to the pod's own credentials (credentials of bob)`,
    );
  });

  it("should break when the pod's user was served this repository at another digest", () => {
    expect(judge([manifestGet("private", "bob", "bob-secret", OTHER_DIGEST)]).verdict).toBe("violated");
  });

  it("should break when the pod carries an old password of its user", () => {
    expect(judge([manifestGet("private", "bob", "new-password", APP_DIGEST)]).verdict).toBe("violated");
  });

  it("should break for a pod without a secret when only another tenant's credentials were served", () => {
    const result = judge([manifestGet("private", "alice", "alice-secret", APP_DIGEST)], { secret: undefined });
    expect(result.verdict).toBe("violated");
    expect(result.details[0]).toContain("never served to the pod's own credentials (no pull secret)");
  });

  it("should hold for a pod without a secret when the image was served without credentials (public then)", () => {
    expect(judge([manifestGet("private", undefined, "", APP_DIGEST)], { secret: undefined }).verdict).toBe("held");
  });

  it("should report a break a policy's definition allows as expected (requireVerifiedCredentials: false)", () => {
    const result = judge([], { policy: "PullWithFallback" });
    expect(result.verdict).toBe("expectedViolation");
    expect(result.details[0]).toContain("PullWithFallback has requireVerifiedCredentials: false");
  });
});
