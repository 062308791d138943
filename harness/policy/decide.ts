/**
 * The decisions of a proposed policy, as pure functions of the policy's definition and what the
 * node and the registry said. The simulated kubelet acts on them; docs/policies.md is generated
 * from them. (The upstream three are not decided here: they run the kubelet's own flow.)
 */
import type { FailureClass } from "./failure-class.js";
import type { ProposedPolicy } from "./policy-definition.js";

export interface CacheState {
  /** The image (this reference) is in the node's store. */
  present: boolean;
  /** KEP-2535: the pod may use the stored image without a pull (its credentials verify, or the node's policy exempts it). */
  podMayUse: boolean;
  /**
   * The KEP-2535 pulled record of the stored image vouches for this pod's own credentials (or
   * says any pod may use it), whatever the node's verification policy: a NeverVerify node lets
   * every pod use every image, but a candidate that requires verified credentials still falls
   * back only for a pod that could have pulled that image itself. For an image the kubelet never
   * pulled (preloaded), which has no record, this is podMayUse.
   */
  credentialsVerified: boolean;
  /** How long ago the stored copy was last confirmed by the registry on this node; undefined if never. */
  verifiedAgoMs: number | undefined;
}

export type ContactDecision = "useCached" | "contact" | "neverPull";

/** Before anything: does this start ask the registry at all? */
export function decideContact(policy: ProposedPolicy, cache: CacheState): ContactDecision {
  const usable = cache.present && cache.podMayUse;
  switch (policy.contact.kind) {
    case "always":
      return "contact";
    case "never":
      return usable ? "useCached" : "neverPull";
    case "ifAbsent":
      return usable ? "useCached" : "contact";
    case "ifOlderThan":
      return usable && cache.verifiedAgoMs !== undefined && cache.verifiedAgoMs <= policy.contact.ms ? "useCached" : "contact";
  }
}

export type ResolveOutcome = { ok: true; digestUnchanged: boolean } | { ok: false; failureClass: FailureClass };
export type AfterResolve = "useCached" | "pull" | "fallback" | "fail";

/** After the digest check (manifest HEAD) answered or failed. */
export function decideAfterResolve(policy: ProposedPolicy, cache: CacheState, outcome: ResolveOutcome): AfterResolve {
  if (outcome.ok) {
    return policy.check === "digest" && cache.present && outcome.digestUnchanged ? "useCached" : "pull";
  }
  if (policy.onResolveError === "pull") return "pull";
  return fallbackAllowed(policy, cache, outcome.failureClass) ? "fallback" : "fail";
}

/**
 * After the pull failed. With `check: digest` the fallback table is for the digest check only:
 * a pull that fails after the digest changed is a normal failure (KEP-5497: "Pull failure:
 * standard ImagePullBackOff").
 */
export function decideAfterPullFailure(policy: ProposedPolicy, cache: CacheState, failureClass: FailureClass): "fallback" | "fail" {
  if (policy.check === "digest") return "fail";
  return fallbackAllowed(policy, cache, failureClass) ? "fallback" : "fail";
}

export function fallbackAllowed(policy: ProposedPolicy, cache: CacheState, failureClass: FailureClass): boolean {
  if (policy.fallback[failureClass] !== "UseCached" || !cache.present) return false;
  if (policy.requireVerifiedCredentials && !cache.credentialsVerified) return false;
  if (policy.maxAgeMs !== undefined && (cache.verifiedAgoMs === undefined || cache.verifiedAgoMs > policy.maxAgeMs)) return false;
  return true;
}
