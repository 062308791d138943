/**
 * Waits on the node's clock until the pod shows the outcome, or the window closes; with `stays`,
 * then keeps watching that it holds. Pure waiting logic: what "shows" means is matchOutcome's.
 */
import type { Clock } from "../support/clock.js";
import type { Timeline } from "../observe/timeline.js";
import { matchOutcome, type MatchContext, type MatchResult, type OutcomeSpec } from "../assert/match-outcome.js";

export interface AwaitOptions {
  clock: Clock;
  timeline: Timeline;
  withinMs: number;
  staysMs?: number;
  /** Pulls fresh observations (e.g. the registry access log) before each look. */
  refresh: () => void;
}

export async function awaitOutcome(outcome: OutcomeSpec, context: MatchContext, options: AwaitOptions): Promise<MatchResult> {
  const { clock, timeline } = options;
  const deadline = clock.now() + options.withinMs;
  let result = look(outcome, context, options);
  while (!result.holds && clock.now() < deadline) {
    await nextChangeOr(clock, timeline, deadline);
    result = look(outcome, context, options);
  }
  if (!result.holds || options.staysMs === undefined) return result;
  return await watchItStays(outcome, context, options);
}

/** Waits until the pod has left ContainerCreating (started or gave a reason), for unspecified outcomes. */
export async function awaitSettled(pod: string, options: AwaitOptions): Promise<void> {
  const { clock, timeline } = options;
  const deadline = clock.now() + options.withinMs;
  const settled = () => {
    options.refresh();
    const state = timeline.latestState(pod);
    return !!state && state.phase !== "creating";
  };
  while (!settled() && clock.now() < deadline) await nextChangeOr(clock, timeline, deadline);
}

async function watchItStays(outcome: OutcomeSpec, context: MatchContext, options: AwaitOptions): Promise<MatchResult> {
  const { clock, timeline } = options;
  const until = clock.now() + options.staysMs!;
  const heldState = timeline.latestState(context.pod);
  while (clock.now() < until) {
    await nextChangeOr(clock, timeline, until);
    options.refresh();
    const now = timeline.latestState(context.pod);
    if (outcome.running !== undefined && now?.imageID !== heldState?.imageID) {
      return { holds: false, reasons: [`did not stay: the container changed to ${now?.imageID ?? now?.reason ?? "nothing"}`] };
    }
    if (outcome.running === undefined && now?.phase === "running") {
      return { holds: false, reasons: [`did not stay waiting: the container started ${now.imageID ?? ""}`] };
    }
  }
  return look(outcome, context, options);
}

function look(outcome: OutcomeSpec, context: MatchContext, options: AwaitOptions): MatchResult {
  options.refresh();
  return matchOutcome(outcome, context);
}

/** Resolves at the next observation or when the clock reaches `until`, whichever is first. */
async function nextChangeOr(clock: Clock, timeline: Timeline, until: number): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([timeline.next(stop.signal), clock.sleepUntil(until, stop.signal)]);
  } finally {
    stop.abort();
  }
}
