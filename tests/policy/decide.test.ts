import { describe, expect, it } from "vitest";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import type { ProposedPolicy } from "../../harness/policy/policy-definition.js";
import { decideAfterPullFailure, decideAfterResolve, decideContact, type CacheState } from "../../harness/policy/decide.js";

const policies = new Map(builtinPolicies().map((p) => [p.name, p]));
function policy(name: string): ProposedPolicy {
  const found = policies.get(name);
  if (found?.kind !== "proposed") throw new Error(`${name} is not a proposed policy`);
  return found;
}

const cachedVerified: CacheState = { present: true, podMayUse: true, credentialsVerified: true, verifiedAgoMs: 10 * 60_000 };
const cachedOtherTenant: CacheState = { present: true, podMayUse: false, credentialsVerified: false, verifiedAgoMs: 10 * 60_000 };
/** Another tenant's copy on a NeverVerify node: the kubelet lets the pod use it, its credentials were never verified for it. */
const cachedOtherTenantNeverVerify: CacheState = { present: true, podMayUse: true, credentialsVerified: false, verifiedAgoMs: 10 * 60_000 };
const absent: CacheState = { present: false, podMayUse: false, credentialsVerified: false, verifiedAgoMs: undefined };
const stale: CacheState = { present: true, podMayUse: true, credentialsVerified: true, verifiedAgoMs: 2 * 3_600_000 };

describe("decideContact", () => {
  it("should ask the registry on every start for contact: always", () => {
    for (const name of ["PullWithFallback", "IfNewerNotPresent", "IfNewerNotPresentPrototype", "SafeFallback"]) {
      expect(decideContact(policy(name), cachedVerified)).toBe("contact");
    }
  });

  it("should use a copy verified within maxAge without asking, and ask once it is older (IfNotPresentOrStale)", () => {
    expect(decideContact(policy("IfNotPresentOrStale"), cachedVerified)).toBe("useCached");
    expect(decideContact(policy("IfNotPresentOrStale"), stale)).toBe("contact");
  });

  it("should not skip the registry for a pod whose credentials do not verify (KEP-2535)", () => {
    expect(decideContact(policy("IfNotPresentOrStale"), cachedOtherTenant)).toBe("contact");
  });
});

describe("decideAfterResolve", () => {
  it("should reuse the cached copy when the digest is unchanged, and pull when it changed (different is not newer)", () => {
    expect(decideAfterResolve(policy("IfNewerNotPresent"), cachedVerified, { ok: true, digestUnchanged: true })).toBe("useCached");
    expect(decideAfterResolve(policy("IfNewerNotPresent"), cachedVerified, { ok: true, digestUnchanged: false })).toBe("pull");
    expect(decideAfterResolve(policy("SafeFallback"), cachedVerified, { ok: true, digestUnchanged: true })).toBe("pull");
  });

  it("should fall back on unavailability but never on authDenied, notFound or integrity (SafeFallback)", () => {
    const safe = policy("SafeFallback");
    for (const failureClass of ["unreachable", "timeout", "serverError", "rateLimited"] as const) {
      expect(decideAfterResolve(safe, cachedVerified, { ok: false, failureClass })).toBe("fallback");
    }
    for (const failureClass of ["authDenied", "notFound", "integrity"] as const) {
      expect(decideAfterResolve(safe, cachedVerified, { ok: false, failureClass })).toBe("fail");
    }
  });

  it("should fall back on anything, authDenied included, for PullWithFallback", () => {
    expect(decideAfterResolve(policy("PullWithFallback"), cachedVerified, { ok: false, failureClass: "authDenied" })).toBe("fallback");
    expect(decideAfterResolve(policy("PullWithFallback"), cachedOtherTenant, { ok: false, failureClass: "unreachable" })).toBe("fallback");
  });

  it("should not fall back to an image the pod's own credentials were not verified for", () => {
    expect(decideAfterResolve(policy("SafeFallback"), cachedOtherTenant, { ok: false, failureClass: "unreachable" })).toBe("fail");
    expect(decideAfterResolve(policy("IfNewerNotPresent"), cachedOtherTenant, { ok: false, failureClass: "unreachable" })).toBe("fail");
  });

  it("should not fall back to another tenant's copy on a NeverVerify node when the policy requires verified credentials", () => {
    for (const name of ["SafeFallback", "IfNewerNotPresent", "IfNotPresentOrStale"])
      expect(decideAfterResolve(policy(name), cachedOtherTenantNeverVerify, { ok: false, failureClass: "unreachable" }), name).toBe("fail");
    expect(decideAfterResolve(policy("PullWithFallback"), cachedOtherTenantNeverVerify, { ok: false, failureClass: "unreachable" })).toBe("fallback");
  });

  it("should pull after a failed probe, as the KEP-5497 prototype does", () => {
    expect(decideAfterResolve(policy("IfNewerNotPresentPrototype"), cachedVerified, { ok: false, failureClass: "unreachable" })).toBe("pull");
  });

  it("should have nothing to fall back to when the image is absent", () => {
    expect(decideAfterResolve(policy("PullWithFallback"), absent, { ok: false, failureClass: "unreachable" })).toBe("fail");
  });
});

describe("decideAfterPullFailure", () => {
  it("should treat a failed pull after a changed digest as a normal failure for check: digest (KEP text)", () => {
    expect(decideAfterPullFailure(policy("IfNewerNotPresent"), cachedVerified, "serverError")).toBe("fail");
  });

  it("should apply the fallback table to pull failures for check: pull", () => {
    expect(decideAfterPullFailure(policy("SafeFallback"), cachedVerified, "serverError")).toBe("fallback");
    expect(decideAfterPullFailure(policy("SafeFallback"), cachedVerified, "integrity")).toBe("fail");
  });
});
