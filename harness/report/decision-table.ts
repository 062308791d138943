/**
 * Decision tables (cache state × registry answer → outcome) for every policy, derived from the
 * same decision functions the simulation runs (proposed policies) and from the kubelet's flow
 * (upstream ones). docs/policies.md is generated from this.
 */
import { FAILURE_CLASSES, type FailureClass } from "../policy/failure-class.js";
import { decideAfterPullFailure, decideAfterResolve, decideContact, type CacheState } from "../policy/decide.js";
import type { PolicyDefinition, ProposedPolicy } from "../policy/policy-definition.js";

export interface CacheCase {
  label: string;
  state: CacheState;
}

export const CACHE_CASES: CacheCase[] = [
  { label: "absent", state: { present: false, podMayUse: false, credentialsVerified: false, verifiedAgoMs: undefined } },
  {
    label: "cached, pod's credentials verified, confirmed 10m ago",
    state: { present: true, podMayUse: true, credentialsVerified: true, verifiedAgoMs: 10 * 60_000 },
  },
  {
    label: "cached, pod's credentials verified, confirmed 2h ago",
    state: { present: true, podMayUse: true, credentialsVerified: true, verifiedAgoMs: 2 * 3_600_000 },
  },
  {
    label: "cached, pod's credentials not verified, node policy NeverVerify",
    state: { present: true, podMayUse: true, credentialsVerified: false, verifiedAgoMs: 10 * 60_000 },
  },
  {
    label: "cached, pod's credentials not verified (KEP-2535 refuses)",
    state: { present: true, podMayUse: false, credentialsVerified: false, verifiedAgoMs: 10 * 60_000 },
  },
];

export type RegistryAnswer = "unchanged" | "changed" | FailureClass;
export const REGISTRY_ANSWERS: RegistryAnswer[] = ["unchanged", "changed", ...FAILURE_CLASSES];

const RUN_REGISTRY = "pull → runs the registry's image";
const RUN_CACHED = "runs cached copy";
const FALLBACK = "runs cached copy + ImagePullFallback (Warning)";
const FAIL = "ErrImagePull → ImagePullBackOff";
const NEVER = "ErrImageNeverPull";

export function decisionTable(policy: PolicyDefinition): string[][] {
  return CACHE_CASES.map((cache) => [cache.label, ...REGISTRY_ANSWERS.map((answer) => outcomeFor(policy, cache.state, answer))]);
}

function outcomeFor(policy: PolicyDefinition, cache: CacheState, answer: RegistryAnswer): string {
  if (policy.kind === "upstream") return upstreamOutcome(policy.name, cache, answer);
  return proposedOutcome(policy, cache, answer);
}

/** The kubelet's flow (pkg/kubelet/images/image_manager.go, 1.35, KEP-2535 on). */
function upstreamOutcome(name: string, cache: CacheState, answer: RegistryAnswer): string {
  const usable = cache.present && cache.podMayUse;
  if (name === "Never") return usable ? `${RUN_CACHED} (no contact)` : NEVER;
  if (name === "IfNotPresent" && usable) return `${RUN_CACHED} (no contact)`;
  return answer === "unchanged" || answer === "changed" ? RUN_REGISTRY : FAIL;
}

function proposedOutcome(policy: ProposedPolicy, cache: CacheState, answer: RegistryAnswer): string {
  const contact = decideContact(policy, cache);
  if (contact === "useCached") return `${RUN_CACHED} (no contact)`;
  if (contact === "neverPull") return NEVER;
  const resolved =
    answer === "unchanged" || answer === "changed"
      ? { ok: true as const, digestUnchanged: answer === "unchanged" }
      : { ok: false as const, failureClass: answer };
  const afterResolve = decideAfterResolve(policy, cache, resolved);
  if (afterResolve === "useCached") return `${RUN_CACHED} (digest unchanged)`;
  if (afterResolve === "fallback") return FALLBACK;
  if (afterResolve === "fail") return FAIL;
  if (resolved.ok) return RUN_REGISTRY;
  // The probe's error was ignored and the pull meets the same failure.
  return decideAfterPullFailure(policy, cache, resolved.failureClass) === "fallback" ? FALLBACK : FAIL;
}

export function renderDecisionTable(policy: PolicyDefinition): string {
  const header = `| cache \\ registry answers | ${REGISTRY_ANSWERS.join(" | ")} |`;
  const rule = `|---|${REGISTRY_ANSWERS.map(() => "---").join("|")}|`;
  const rows = decisionTable(policy).map((row) => `| ${row.join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}
