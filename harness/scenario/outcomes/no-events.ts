import { listOf, text } from "../../support/json-schema.js";
import type { OutcomeField } from "./outcome-field.js";

export const noEvents: OutcomeField = {
  key: "noEvents",
  doc: { syntax: "`noEvents: [REASON, …]`", meaning: "none of these appear for the pod" },
  schema: listOf(text(), "event reasons that must not appear"),
  parse({ value, fields, path, check }) {
    const list = check.stringList(value, path, "noEvents");
    if (!list) return undefined;
    const expected = Array.isArray(fields.events) ? fields.events : [];
    const both = list.filter((reason) => expected.includes(reason));
    if (both.length > 0) {
      check.problem(path, `${both.join(", ")} is both in events and in noEvents, so the outcome can never hold`, "keep each reason in one of the two lists");
      return undefined;
    }
    return { noEvents: list };
  },
  describe: (outcome) => (outcome.noEvents ? `no events [${outcome.noEvents.join(", ")}]` : undefined),
  judge: (outcome, pod) => (outcome.noEvents ?? []).filter((reason) => pod.eventReasons.includes(reason)).map((reason) => `event ${reason} appeared`),
};
