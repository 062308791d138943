import { text } from "../../support/json-schema.js";
import { describeState, type OutcomeField } from "./outcome-field.js";

export const waiting: OutcomeField = {
  key: "waiting",
  doc: {
    syntax: "`waiting: REASON`",
    meaning:
      "the container waits with that reason at some moment of the window (`ErrImagePull`, `ImagePullBackOff`, `ErrImageNeverPull`, `InvalidImageName`, …)",
  },
  schema: text("a waiting reason: ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName, …"),
  parse({ value, fields, path, check }) {
    const reason = check.string(value, path, "waiting");
    if (fields.running !== undefined) check.problem(path.slice(0, -1), "an outcome cannot be both running and waiting", "keep one of them");
    return reason ? { waiting: reason } : undefined;
  },
  describe: (outcome) => (outcome.waiting !== undefined ? `waiting ${outcome.waiting}` : undefined),
  judge(outcome, pod) {
    if (outcome.waiting === undefined) return [];
    const seen = pod.windowStates.some((s) => s.phase !== "running" && s.reason === outcome.waiting);
    return seen ? [] : [`never waiting with reason ${outcome.waiting} (${describeState(pod.now)})`];
  },
};
