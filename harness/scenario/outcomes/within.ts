import { duration } from "../../support/json-schema.js";
import type { OutcomeField } from "./outcome-field.js";

export const within: OutcomeField = {
  key: "within",
  doc: { syntax: "`within: DURATION`", meaning: "the window (default 5m, on the backend's clock)" },
  schema: duration("the window (default 5m)"),
  parse({ value, path, check }) {
    const ms = check.duration(value, path, "within");
    return ms === undefined ? undefined : { withinMs: ms };
  },
  // Reports give the window with the verdict ("within 5m"), not with the expected outcome.
  describe: () => undefined,
};
