/**
 * Checks S1–S5 (DESIGN.md) over one run's timeline. Each invariant that applies gets a verdict
 * with its evidence; one that broke as the policy's own definition says is an expected violation
 * (reported in its own colour), any other break fails the test.
 */
import type { FailureClass } from "../policy/failure-class.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import type { Observation } from "../observe/observation.js";
import { requestKind } from "../observe/observation.js";
import type { Timeline } from "../observe/timeline.js";
import { INVARIANTS, type InvariantId, type InvariantResult } from "./invariant.js";

export interface PodFacts {
  name: string;
  /** The pull policy the pod ran with after defaulting. */
  policy: string;
  /** The image pull secret's credentials, when the pod had one. */
  secret?: { user: string; password: string };
  /** Timeline index of the pod's run step. */
  runIndex: number;
}

export interface InvariantContext {
  timeline: Timeline;
  pods: PodFacts[];
  policies: Map<string, PolicyDefinition>;
  /** Every password each user ever had in the registry during the run. */
  passwordsEverValid: Map<string, Set<string>>;
  /** Whether the registry required authentication when the run began or later. */
  registryPrivate: boolean;
  /** Re-checks the digests of what a running container was started from (backend-specific). */
  contentVerified: (pod: string, imageID: string) => boolean | undefined;
  /** Digests that belong to a fixture the registry was given. */
  knownDigests: Set<string>;
}

/** Parses the failure class out of an ImagePullFallback event message. */
export const FALLBACK_CLASS = /registry check failed \((\w+)\)/i;

export function checkInvariants(context: InvariantContext): InvariantResult[] {
  return [checkS1(context), checkS2(context), checkS3(context), checkS4(context), checkS5(context)];
}

function result(id: InvariantId, violated: string[], expected: string[], applies: boolean, held: string[] = []): InvariantResult {
  const verdict = !applies ? "notApplicable" : violated.length > 0 ? "violated" : expected.length > 0 ? "expectedViolation" : "held";
  return { id, title: INVARIANTS[id], verdict, details: [...violated, ...expected, ...held] };
}

/** Indexes of the timeline where the pod's container went from not running to running. */
function starts(all: readonly Observation[], pod: string): number[] {
  const found: number[] = [];
  let running = false;
  all.forEach((o, index) => {
    if (o.kind !== "status" || o.pod !== pod) return;
    if (o.state.phase === "running" && !running) found.push(index);
    running = o.state.phase === "running";
  });
  return found;
}

function checkS1({ timeline, pods }: InvariantContext): InvariantResult {
  const all = timeline.all();
  const violated: string[] = [];
  const held: string[] = [];
  const alwaysPods = pods.filter((p) => p.policy === "Always");
  for (const pod of alwaysPods) {
    let from = pod.runIndex;
    for (const start of starts(all, pod.name)) {
      const checked = all
        .slice(from, start)
        .some(
          (o) =>
            o.kind === "request" &&
            o.pod === pod.name &&
            !o.injected &&
            !o.aborted &&
            o.status >= 200 &&
            o.status < 300 &&
            (requestKind(o) === "manifestHead" || requestKind(o) === "manifestGet"),
        );
      (checked ? held : violated).push(
        `pod/${pod.name} start at #${start}: ${checked ? "registry answered 2xx for the manifest" : "started without a successful manifest request since its previous start"}`,
      );
      from = start;
    }
  }
  return result("S1", violated, [], alwaysPods.length > 0, held);
}

function checkS2({ timeline, pods, contentVerified, knownDigests }: InvariantContext): InvariantResult {
  const all = timeline.all();
  const violated: string[] = [];
  const held: string[] = [];
  for (const pod of pods) {
    for (const start of starts(all, pod.name)) {
      const state = (all[start] as Extract<Observation, { kind: "status" }>).state;
      const imageID = state.imageID ?? "";
      const digest = imageID.slice(imageID.indexOf("@") + 1);
      const verified = contentVerified(pod.name, imageID);
      if (!knownDigests.has(digest) || verified === false) violated.push(`pod/${pod.name} runs ${imageID}: content does not verify`);
      else held.push(`pod/${pod.name} runs ${imageID}: digest verified`);
    }
  }
  return result("S2", violated, [], held.length + violated.length > 0, held);
}

function fallbacks(timeline: Timeline): Array<{ pod: string; failureClass: FailureClass | undefined; message: string; index: number }> {
  const found: Array<{ pod: string; failureClass: FailureClass | undefined; message: string; index: number }> = [];
  timeline.all().forEach((o, index) => {
    if (o.kind === "event" && o.reason === "ImagePullFallback") {
      found.push({ pod: o.pod, failureClass: FALLBACK_CLASS.exec(o.message)?.[1] as FailureClass | undefined, message: o.message, index });
    }
  });
  return found;
}

function checkS3({ timeline, pods, policies }: InvariantContext): InvariantResult {
  const violated: string[] = [];
  const expected: string[] = [];
  for (const fallback of fallbacks(timeline)) {
    if (fallback.failureClass !== "authDenied") continue;
    const policy = policies.get(pods.find((p) => p.name === fallback.pod)?.policy ?? "");
    const allowed = policy?.kind === "proposed" && policy.fallback.authDenied === "UseCached";
    (allowed ? expected : violated).push(
      `pod/${fallback.pod} fell back on authDenied${allowed ? ` (${policy!.name} says fallback.authDenied: UseCached)` : ""}: ${fallback.message}`,
    );
  }
  const applies = pods.some((p) => policies.get(p.policy)?.kind === "proposed");
  return result("S3", violated, expected, applies);
}

function checkS4(context: InvariantContext): InvariantResult {
  const { timeline, pods, policies, registryPrivate, passwordsEverValid } = context;
  const violated: string[] = [];
  const expected: string[] = [];
  const held: string[] = [];
  if (registryPrivate) {
    for (const fallback of fallbacks(timeline)) {
      const pod = pods.find((p) => p.name === fallback.pod);
      const verifiedUsers = new Set(
        timeline
          .all()
          .slice(0, fallback.index)
          .flatMap((o) => (o.kind === "request" && o.user && !o.injected && o.status < 300 && requestKind(o) === "manifestGet" ? [o.user] : [])),
      );
      const secret = pod?.secret;
      const ownVerified = !!secret && verifiedUsers.has(secret.user) && !!passwordsEverValid.get(secret.user)?.has(secret.password);
      if (ownVerified) {
        held.push(`pod/${fallback.pod} fell back with credentials of ${secret!.user}, verified earlier`);
        continue;
      }
      const policy = policies.get(pod?.policy ?? "");
      const byDefinition = policy?.kind === "proposed" && !policy.requireVerifiedCredentials;
      const line = `pod/${fallback.pod} started a cached private image without its own verified credentials (${secret ? `secret user ${secret.user}` : "no pull secret"})`;
      (byDefinition ? expected : violated).push(byDefinition ? `${line}; ${policy!.name} has requireVerifiedCredentials: false` : line);
    }
  }
  const applies = registryPrivate && pods.some((p) => policies.get(p.policy)?.kind === "proposed");
  return result("S4", violated, expected, applies, held);
}

function checkS5({ timeline, pods, policies }: InvariantContext): InvariantResult {
  const neverPods = pods.filter((p) => {
    const policy = policies.get(p.policy);
    return p.policy === "Never" || (policy?.kind === "proposed" && policy.contact.kind === "never");
  });
  const violated = neverPods.flatMap((pod) =>
    timeline
      .of("request", pod.runIndex)
      .filter((r) => r.pod === pod.name)
      .map((r) => `pod/${pod.name} (${pod.policy}) sent ${r.method} ${r.path}`),
  );
  return result(
    "S5",
    violated,
    [],
    neverPods.length > 0,
    neverPods.length > 0 && violated.length === 0 ? neverPods.map((p) => `pod/${p.name}: no registry request`) : [],
  );
}
