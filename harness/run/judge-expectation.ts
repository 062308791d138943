/**
 * One `expect` step for the policy under test: waits on the node's clock until the pod shows the
 * outcome or the window closes, and says what it showed, in the scenario's words.
 */
import { formatDuration } from "../support/duration.js";
import type { Clock } from "../support/clock.js";
import type { Timeline } from "../observe/timeline.js";
import type { ExpectResult } from "../assert/outcome-result.js";
import type { OutcomeSpec } from "../assert/match-outcome.js";
import { describeOutcome, describeState } from "../scenario/outcomes/index.js";
import type { Outcome } from "../scenario/types.js";
import { awaitOutcome, awaitSettled } from "./await-outcome.js";
import type { RunWorld } from "./run-world.js";

export interface Expectation {
  stepIndex: number;
  pod: string;
  /** Timeline index of the pod's run step. */
  podStart: number;
  /** The outcome the scenario gives this policy; undefined when it gives none. */
  outcome: Outcome | undefined;
}

export interface JudgeOptions {
  world: RunWorld;
  clock: Clock;
  timeline: Timeline;
  /** Pulls fresh observations (the registry access log) before each look. */
  refresh: () => void;
}

const DEFAULT_WINDOW_MS = 5 * 60_000;

export async function judgeExpectation(
  { stepIndex, pod, podStart, outcome }: Expectation,
  { world, clock, timeline, refresh }: JudgeOptions,
): Promise<ExpectResult> {
  const windowStart = timeline.length;
  // A gate in a container reports over a stream: have everything it answered so far.
  await world.environment.flushRequests();
  const options = {
    clock,
    timeline,
    withinMs: outcome?.withinMs ?? DEFAULT_WINDOW_MS,
    ...(outcome?.staysMs !== undefined ? { staysMs: outcome.staysMs } : {}),
    refresh,
  };
  const actual = () => whatItShows(timeline, pod, world);
  if (!outcome) {
    await awaitSettled(pod, options);
    return { stepIndex, pod, expected: undefined, actual: actual(), verdict: "unspecified", reasons: [], finalState: timeline.latestState(pod) };
  }
  const context = { timeline, pod, windowStart, podStart, digestOf: (variant: string) => world.digestOf(variant) };
  const match = await awaitOutcome(checksOf(outcome), context, options);
  const window = `within ${formatDuration(options.withinMs)}${outcome.staysMs !== undefined ? `, staying ${formatDuration(outcome.staysMs)}` : ""}`;
  return {
    stepIndex,
    pod,
    expected: describeOutcome(outcome),
    actual: actual(),
    verdict: match.holds ? "passed" : "failed",
    reasons: match.holds ? [] : [...match.reasons, window],
    finalState: timeline.latestState(pod),
  };
}

function whatItShows(timeline: Timeline, pod: string, world: RunWorld): string {
  const state = timeline.latestState(pod);
  if (state?.phase === "running") {
    const digest = state.imageID?.slice(state.imageID.indexOf("@") + 1) ?? "";
    return `running ${world.variantOf(digest) ?? state.imageID}`;
  }
  return state ? `waiting ${state.reason}` : describeState(state);
}

function checksOf({ withinMs: _within, staysMs: _stays, ...checks }: Outcome): OutcomeSpec {
  return checks;
}
