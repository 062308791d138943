import { text } from "../../support/json-schema.js";
import type { StepKind } from "./step-kind.js";

export interface NoteStep {
  kind: "note";
  text: string;
}

/** A line for the reader: what the scenario is about to show, on the timeline where it happens. */
export const note: StepKind<NoteStep> = {
  kind: "note",
  doc: { syntax: "`note: TEXT`", meaning: "put TEXT on the test's timeline and in its report (changes nothing)" },
  schema: text(),
  parse({ body, path, check }) {
    const text = check.string(body, path, "note");
    return text ? { kind: "note", text } : undefined;
  },
  describe: (step) => `note: ${step.text}`,
  perform: async (step, context) => context.note(step.text),
};
