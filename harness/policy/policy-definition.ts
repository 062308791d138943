/**
 * A pull policy as data. The upstream three are run by the kubelet's own flow; every other policy
 * is a data definition, run by the same image manager through its policy hook
 * (node/sim/kubelet/candidate-policy-hook.ts).
 */
import type { FailureClass } from "./failure-class.js";

export const UPSTREAM_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type UpstreamPolicyName = (typeof UPSTREAM_POLICIES)[number];

export function isUpstreamPolicy(name: string): name is UpstreamPolicyName {
  return (UPSTREAM_POLICIES as readonly string[]).includes(name);
}

/** When the registry is asked. */
export type Contact =
  | { kind: "always" }
  | { kind: "ifAbsent" }
  | { kind: "never" }
  /** Ask only when the cached copy was last verified against the registry longer ago than this. */
  | { kind: "ifOlderThan"; ms: number };

export type FallbackAction = "UseCached" | "Fail";

export interface ProposedPolicy {
  kind: "proposed";
  name: string;
  source: string;
  description: string;
  contact: Contact;
  /** digest: HEAD the manifest and pull only when it changed; pull: pull like Always. */
  check: "digest" | "pull";
  /** What a failure of each class leads to. UseCached needs a cached copy. */
  fallback: Record<FailureClass, FallbackAction>;
  /**
   * What a failed digest check (check: digest) leads to: `fallback` applies the table above;
   * `pull` ignores the error and pulls (how KEP-5497's prototype code behaves).
   */
  onResolveError: "fallback" | "pull";
  /** Tries of the registry contact before its failure counts (1 = no retry). */
  attempts: number;
  /** Deadline of the digest check (manifest HEAD). */
  resolveTimeoutMs: number;
  /** Fall back only to an image this pod's own credentials were verified for (KEP-2535 records). */
  requireVerifiedCredentials: boolean;
  /** Refuse a fallback to a copy last verified against the registry longer ago than this. */
  maxAgeMs?: number;
  /** The file the definition came from (built-in or user file). */
  file: string;
}

export interface UpstreamPolicy {
  kind: "upstream";
  name: UpstreamPolicyName;
  source: string;
  description: string;
}

export type PolicyDefinition = UpstreamPolicy | ProposedPolicy;

export const UPSTREAM_DEFINITIONS: readonly UpstreamPolicy[] = [
  {
    kind: "upstream",
    name: "Always",
    source: "Kubernetes (kubelet 1.35)",
    description: "Every container start asks the registry (CRI PullImage with the pod's credentials).",
  },
  {
    kind: "upstream",
    name: "IfNotPresent",
    source: "Kubernetes (kubelet 1.35)",
    description: "Pull only when the image is not on the node (or the pod's credentials must be re-verified, KEP-2535).",
  },
  {
    kind: "upstream",
    name: "Never",
    source: "Kubernetes (kubelet 1.35)",
    description: "Never pull; start only from an image already on the node.",
  },
];
