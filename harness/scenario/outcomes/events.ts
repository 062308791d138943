import { listOf, text } from "../../support/json-schema.js";
import type { OutcomeField } from "./outcome-field.js";

export const events: OutcomeField = {
  key: "events",
  doc: { syntax: "`events: [REASON, …]`", meaning: "these event reasons appear for the pod, in this order, others may come between" },
  schema: listOf(text(), "event reasons in this order"),
  parse({ value, path, check }) {
    const list = check.stringList(value, path, "events");
    return list ? { events: list } : undefined;
  },
  describe: (outcome) => (outcome.events ? `events [${outcome.events.join(", ")}]` : undefined),
  judge(outcome, pod) {
    if (!outcome.events || isSubsequence(outcome.events, pod.eventReasons)) return [];
    return [`events ${JSON.stringify(outcome.events)} not seen in this order (saw ${JSON.stringify(pod.eventReasons)})`];
  },
};

function isSubsequence(wanted: string[], seen: string[]): boolean {
  let i = 0;
  for (const reason of seen) if (reason === wanted[i]) i++;
  return i === wanted.length;
}
