import { text } from "../../support/json-schema.js";
import type { OutcomeField } from "./outcome-field.js";

export const message: OutcomeField = {
  key: "message",
  doc: { syntax: "`message: TEXT`", meaning: "a waiting message of the window (with that reason, when `waiting` is given) contains TEXT" },
  schema: text("text the waiting message contains"),
  parse({ value, path, check }) {
    const text = check.string(value, path, "message");
    return text ? { message: text } : undefined;
  },
  describe: (outcome) => (outcome.message !== undefined ? `message ~ ${JSON.stringify(outcome.message)}` : undefined),
  judge(outcome, pod) {
    const text = outcome.message;
    if (text === undefined) return [];
    const candidates = pod.windowStates.filter((s) => s.phase !== "running" && (outcome.waiting === undefined || s.reason === outcome.waiting));
    if (candidates.some((s) => s.message.includes(text))) return [];
    return [`no waiting message contains ${JSON.stringify(text)} (last: ${JSON.stringify(candidates.at(-1)?.message ?? "")})`];
  },
};
