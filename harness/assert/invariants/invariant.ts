/**
 * What one security invariant is: its id and promise, how it is checked over a test's timeline,
 * and, for the policy docs, whether a candidate's definition keeps it. One file per invariant;
 * `index.ts` lists them.
 */
import type { PolicyDefinition, ProposedPolicy } from "../../policy/policy-definition.js";
import type { Timeline } from "../../observe/timeline.js";

export interface PodFacts {
  name: string;
  /** The pull policy the pod ran with after defaulting. */
  policy: string;
  /** The container's image as the pod asked for it. */
  image: string;
  /** The image pull secret's credentials, when the pod had one. */
  secret?: { user: string; password: string };
  /** Timeline index of the pod's run step. */
  runIndex: number;
}

export interface InvariantContext {
  timeline: Timeline;
  pods: PodFacts[];
  policies: Map<string, PolicyDefinition>;
  /** Whether the registry required authentication when the run began or later. */
  registryPrivate: boolean;
  /** Re-checks the digests of what a running container was started from (backend-specific). */
  contentVerified: (pod: string, imageID: string) => boolean | undefined;
  /** Digests that belong to a fixture the registry was given. */
  knownDigests: Set<string>;
}

export interface InvariantResult {
  id: string;
  title: string;
  /** held: checked and kept; violated: broken, unexpectedly; expectedViolation: broken as the policy's definition says. */
  verdict: "held" | "violated" | "expectedViolation" | "notApplicable";
  /** The evidence: which pod, which start, which request or event. */
  details: string[];
}

export interface Invariant {
  id: string;
  title: string;
  check(context: InvariantContext): InvariantResult;
  /** Whether a candidate keeps it by its definition alone, for the policy docs; absent when that takes a run to tell. */
  byDefinition?(policy: ProposedPolicy): { kept: true } | { kept: false; because: string };
}

/** The verdict from the evidence: any unexpected break fails; a break the policy's definition allows is reported as such. */
export function verdict(
  invariant: Pick<Invariant, "id" | "title">,
  evidence: { violated: string[]; expected?: string[]; held?: string[]; applies: boolean },
): InvariantResult {
  const { violated, expected = [], held = [], applies } = evidence;
  const verdict = !applies ? "notApplicable" : violated.length > 0 ? "violated" : expected.length > 0 ? "expectedViolation" : "held";
  return { id: invariant.id, title: invariant.title, verdict, details: [...violated, ...expected, ...held] };
}
