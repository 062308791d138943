/**
 * Does the pod show the outcome? Pure: reads the timeline into what the pod showed, and lets each
 * outcome field judge it (scenario/outcomes/).
 */
import type { ContainerState, Observation } from "../observe/observation.js";
import { requestKind } from "../observe/observation.js";
import type { Timeline } from "../observe/timeline.js";
import { judgeOutcome, type PodView } from "../scenario/outcomes/index.js";
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
  const reasons = judgeOutcome(outcome, podView(context));
  return { holds: reasons.length === 0, reasons };
}

function podView({ timeline, pod, windowStart, podStart, digestOf }: MatchContext): PodView {
  return {
    now: timeline.latestState(pod),
    windowStates: statesInWindow(timeline.all(), pod, windowStart, podStart),
    eventReasons: timeline
      .of("event", podStart)
      .filter((e) => e.pod === pod)
      .map((e) => e.reason),
    requests: requestCounts(timeline, pod, podStart),
    digestOf,
  };
}

function requestCounts(timeline: Timeline, pod: string, from: number): PodView["requests"] {
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
