/**
 * Does the pod show the outcome? Pure: reads the timeline, decides, explains.
 *
 * - running: the container's imageID digest is the variant's digest (now);
 * - waiting: the container was waiting with that reason at some moment of the window;
 * - message: a waiting message of the window contains the text;
 * - events: the pod's events contain these reasons in this order (others may come between);
 * - noEvents: none of these reasons appear for the pod;
 * - requests: registry requests for this pod since its run step, by kind.
 */
import type { ContainerState, Observation } from "../observe/observation.js";
import { requestKind } from "../observe/observation.js";
import type { Timeline } from "../observe/timeline.js";
import type { Outcome } from "../scenario/types.js";

/** What an outcome checks (its window, `within` and `stays`, is the waiting loop's). */
export type OutcomeSpec = Omit<Outcome, "withinMs" | "staysMs">;

export interface MatchContext {
  timeline: Timeline;
  pod: string;
  /** Timeline index where the expect window starts. */
  windowStart: number;
  /** Timeline index of the pod's run step (events and requests count from there). */
  podStart: number;
  /** The digest a variant's tag points to. */
  digestOf: (variant: string) => string;
}

export interface MatchResult {
  holds: boolean;
  reasons: string[];
}

export function matchOutcome(outcome: OutcomeSpec, context: MatchContext): MatchResult {
  const { timeline, pod } = context;
  const reasons: string[] = [];
  const now = timeline.latestState(pod);
  const windowStates = statesInWindow(timeline.all(), pod, context.windowStart, context.podStart);

  if (outcome.running !== undefined) {
    const want = context.digestOf(outcome.running);
    if (now?.phase !== "running") reasons.push(`not running (${describeState(now)})`);
    else if (!now.imageID?.endsWith(`@${want}`)) reasons.push(`runs ${now.imageID}, not ${outcome.running} (${want})`);
  }
  if (outcome.waiting !== undefined) {
    const seen = windowStates.some((s) => s.phase !== "running" && s.reason === outcome.waiting);
    if (!seen) reasons.push(`never waiting with reason ${outcome.waiting} (${describeState(now)})`);
  }
  if (outcome.message !== undefined) {
    const candidates = windowStates.filter((s) => s.phase !== "running" && (outcome.waiting === undefined || s.reason === outcome.waiting));
    if (!candidates.some((s) => s.message.includes(outcome.message!))) {
      reasons.push(`no waiting message contains ${JSON.stringify(outcome.message)} (last: ${JSON.stringify(candidates.at(-1)?.message ?? "")})`);
    }
  }
  const events = timeline
    .of("event", context.podStart)
    .filter((e) => e.pod === pod)
    .map((e) => e.reason);
  if (outcome.events && !isSubsequence(outcome.events, events)) {
    reasons.push(`events ${JSON.stringify(outcome.events)} not seen in this order (saw ${JSON.stringify(events)})`);
  }
  for (const reason of outcome.noEvents ?? []) {
    if (events.includes(reason)) reasons.push(`event ${reason} appeared`);
  }
  if (outcome.requests) {
    const counts = requestCounts(timeline, pod, context.podStart);
    for (const [kind, want] of Object.entries(outcome.requests)) {
      const got = counts[kind as keyof typeof counts];
      if (got !== want) reasons.push(`${kind} requests: ${got}, expected ${want}`);
    }
  }
  return { holds: reasons.length === 0, reasons };
}

export function requestCounts(timeline: Timeline, pod: string, from: number) {
  const counts = { manifestHead: 0, manifestGet: 0, blobGet: 0 };
  for (const request of timeline.of("request", from)) {
    if (request.pod !== pod) continue;
    const kind = requestKind(request);
    if (kind !== "other") counts[kind]++;
  }
  return counts;
}

/** The pod's state at the window start plus every state it took during the window. */
function statesInWindow(all: readonly Observation[], pod: string, windowStart: number, podStart: number): ContainerState[] {
  let before: ContainerState | undefined;
  const during: ContainerState[] = [];
  all.forEach((o, index) => {
    if (o.kind !== "status" || o.pod !== pod || index < podStart) return;
    if (index < windowStart) before = o.state;
    else during.push(o.state);
  });
  return before ? [before, ...during] : during;
}

function isSubsequence(wanted: string[], seen: string[]): boolean {
  let i = 0;
  for (const reason of seen) if (reason === wanted[i]) i++;
  return i === wanted.length;
}

export function describeState(state: ContainerState | undefined): string {
  if (!state) return "no such pod";
  if (state.phase === "running") return `running ${state.imageID ?? ""}`.trim();
  return `waiting ${state.reason}${state.message ? `: ${state.message}` : ""}`;
}
