import { duration } from "../../support/json-schema.js";
import { formatDuration } from "../../support/duration.js";
import type { StepKind } from "./step-kind.js";

export interface WaitStep {
  kind: "wait";
  ms: number;
}

export const wait: StepKind<WaitStep> = {
  kind: "wait",
  doc: { syntax: "`wait: DURATION`", meaning: "let time pass (virtual on the simulation)" },
  schema: duration(),
  parse({ body, path, check }) {
    const ms = check.duration(body, path, "wait");
    return ms === undefined ? undefined : { kind: "wait", ms };
  },
  describe: (step) => `wait ${formatDuration(step.ms)}`,
  letsClockRun: true,
  perform: (step, context) => context.clock.sleepUntil(context.clock.now() + step.ms),
};
