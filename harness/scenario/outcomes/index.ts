/**
 * Every field an `expect` outcome can have, in the order reports write them. A new field is one
 * file (see outcome-field.ts), one line here, and its property in `Outcome` (scenario/types.ts).
 */
import type { Outcome } from "../types.js";
import type { JsonSchema } from "../../support/json-schema.js";
import type { OutcomeField, OutcomeParse, PodView } from "./outcome-field.js";
import { events } from "./events.js";
import { message } from "./message.js";
import { noEvents } from "./no-events.js";
import { requests } from "./requests.js";
import { running } from "./running.js";
import { stays } from "./stays.js";
import { waiting } from "./waiting.js";
import { within } from "./within.js";

export const OUTCOME_FIELDS: readonly OutcomeField[] = [running, waiting, message, events, noEvents, requests, within, stays];
export const OUTCOME_KEYS = OUTCOME_FIELDS.map((f) => f.key);

export function parseOutcome(value: unknown, path: OutcomeParse["path"], check: OutcomeParse["check"], knownVariants: string[]): Outcome | undefined {
  const fields = check.mapping(value, path, OUTCOME_KEYS, "an outcome");
  if (!fields) return undefined;
  const before = check.problems.length;
  let outcome: Outcome = {};
  for (const field of OUTCOME_FIELDS) {
    if (fields[field.key] === undefined) continue;
    const part = field.parse({ value: fields[field.key], fields, path: [...path, field.key], check, knownVariants });
    if (part) outcome = { ...outcome, ...part };
  }
  const judged = OUTCOME_FIELDS.filter((f) => f.judge).map((f) => f.key);
  if (!judged.some((k) => fields[k] !== undefined)) check.problem(path, "an outcome must say something to check", `give at least one of ${judged.join(", ")}`);
  return check.problems.length === before ? outcome : undefined;
}

export function describeOutcome(outcome: Outcome): string {
  return (
    OUTCOME_FIELDS.map((f) => f.describe(outcome))
      .filter((text) => text !== undefined)
      .join(", ") || "(empty outcome)"
  );
}

/** Why the pod does not show the outcome, field by field (none: it does). */
export function judgeOutcome(outcome: Outcome, pod: PodView): string[] {
  return OUTCOME_FIELDS.flatMap((f) => f.judge?.(outcome, pod) ?? []);
}

/** The scenario-format table of outcome fields. */
export function outcomeTable(): string {
  return ["| field | meaning |", "|---|---|", ...OUTCOME_FIELDS.map((f) => `| ${f.doc.syntax} | ${f.doc.meaning} |`)].join("\n");
}

export { describeState, type PodView } from "./outcome-field.js";

/** Each outcome field's schema, by its key. */
export const OUTCOME_FIELD_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(OUTCOME_FIELDS.map((f) => [f.key, f.schema]));

/** What every outcome must hold, whichever form carries it: a field that is judged, and not both running and waiting. */
export const OUTCOME_RULES: JsonSchema = {
  anyOf: OUTCOME_FIELDS.filter((f) => f.judge).map((f) => ({ required: [f.key] })),
  not: { required: ["running", "waiting"] },
};

/** An outcome: known fields only. */
export const OUTCOME_SCHEMA: JsonSchema = { type: "object", properties: OUTCOME_FIELD_SCHEMAS, additionalProperties: false, ...OUTCOME_RULES };
