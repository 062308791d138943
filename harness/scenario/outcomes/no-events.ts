import { listOf, text } from "../../support/json-schema.js";
import type { OutcomeField } from "./outcome-field.js";

export const noEvents: OutcomeField = {
  key: "noEvents",
  doc: { syntax: "`noEvents: [REASON, …]`", meaning: "none of these appear for the pod" },
  schema: listOf(text(), "event reasons that must not appear"),
  parse({ value, path, check }) {
    const list = check.stringList(value, path, "noEvents");
    return list ? { noEvents: list } : undefined;
  },
  describe: (outcome) => (outcome.noEvents ? `no events [${outcome.noEvents.join(", ")}]` : undefined),
  judge: (outcome, pod) => (outcome.noEvents ?? []).filter((reason) => pod.eventReasons.includes(reason)).map((reason) => `event ${reason} appeared`),
};
