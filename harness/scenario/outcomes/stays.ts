import { duration } from "../../support/json-schema.js";
import { formatDuration } from "../../support/duration.js";
import type { OutcomeField } from "./outcome-field.js";

export const stays: OutcomeField = {
  key: "stays",
  doc: { syntax: "`stays: DURATION`", meaning: "after the outcome shows, it must hold that long: `running` keeps the same image; `waiting` never starts" },
  schema: duration("how long the outcome must hold"),
  parse({ value, path, check }) {
    const ms = check.duration(value, path, "stays");
    return ms === undefined ? undefined : { staysMs: ms };
  },
  describe: (outcome) => (outcome.staysMs !== undefined ? `stays ${formatDuration(outcome.staysMs)}` : undefined),
};
