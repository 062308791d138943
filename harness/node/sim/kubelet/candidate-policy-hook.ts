/**
 * A proposed policy (a data definition) as the image manager's policy hook: its decisions come
 * from harness/policy/decide.ts, its digest check retries `attempts` times, each bounded by
 * `resolveTimeout`, and the registry's confirmations go to the node's verification log.
 */
import type { Clock } from "../../../support/clock.js";
import { decideAfterPullFailure, decideAfterResolve, decideContact } from "../../../policy/decide.js";
import type { ProposedPolicy } from "../../../policy/policy-definition.js";
import { PullError } from "../cri.js";
import type { VerificationLog } from "../verification-log.js";
import type { PullPolicyHook } from "./pull-policy-hook.js";

export function candidatePolicyHook(policy: ProposedPolicy, verification: VerificationLog, clock: Clock): PullPolicyHook {
  return {
    name: policy.name,
    verifiedAgoMs: (image) => verification.ageOf(image, clock.now()),
    decideContact: (cache) => decideContact(policy, cache),
    async checkRegistry(image, stored, cache, auth, images) {
      let last: PullError | undefined;
      let unchanged: boolean | undefined;
      for (let attempt = 0; attempt < policy.attempts && unchanged === undefined; attempt++) {
        try {
          const digest = await images.resolveDigest(image, auth, { timeoutMs: policy.resolveTimeoutMs });
          unchanged = !!stored && stored.repoDigests.some((d) => d.endsWith(`@${digest}`));
        } catch (error) {
          last = asPullError(error);
        }
      }
      const outcome = unchanged !== undefined ? { ok: true as const, digestUnchanged: unchanged } : { ok: false as const, failureClass: last!.failureClass };
      const decision = decideAfterResolve(policy, cache, outcome);
      if (decision === "useCached") return { kind: "unchanged" };
      if (decision === "pull") return { kind: "pull" };
      return { kind: decision === "fallback" ? "fallBack" : "fail", error: last! };
    },
    afterPullFailure(cache, error) {
      // The kubelet's own refusal ("pull QPS exceeded", pullers.ts) never reached the registry:
      // it has no failure class, so it is a plain failure whatever the fallback table says.
      if (!(error instanceof PullError)) return "fail";
      return decideAfterPullFailure(policy, cache, error.failureClass) === "fallback" ? "fallBack" : "fail";
    },
    confirmed: (image) => verification.confirmed(image, clock.now()),
  };
}

/** A digest check that fails other than by the registry or the network is a bug: let it break the run. */
function asPullError(error: unknown): PullError {
  if (error instanceof PullError) return error;
  throw error;
}
