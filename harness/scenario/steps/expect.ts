import { mapping, text, type JsonSchema } from "../../support/json-schema.js";
import { describe, didYouMean } from "../checker.js";
import { OUTCOME_FIELD_SCHEMAS, OUTCOME_KEYS, OUTCOME_RULES, OUTCOME_SCHEMA, parseOutcome } from "../outcomes/index.js";
import type { Outcome } from "../types.js";
import type { StepKind } from "./step-kind.js";
import { knownPods } from "./step-hints.js";

export interface ExpectStep {
  kind: "expect";
  pod: string;
  default?: Outcome;
  perPolicy: Record<string, Outcome>;
}

/** Either `{pod, …outcome}` or `{pod, default: outcome, <Policy>: outcome, …}` (policy names are UpperCamelCase). */
const EXPECT_SCHEMA: JsonSchema = {
  oneOf: [
    { ...mapping({ pod: text(), ...OUTCOME_FIELD_SCHEMAS }, ["pod"]), ...OUTCOME_RULES },
    {
      type: "object",
      properties: { pod: text(), default: OUTCOME_SCHEMA },
      patternProperties: { "^[A-Z][A-Za-z0-9]*$": OUTCOME_SCHEMA },
      required: ["pod"],
      minProperties: 2,
      additionalProperties: false,
    },
  ],
};

export const expect: StepKind<ExpectStep> = {
  kind: "expect",
  doc: {
    syntax: "`expect: {pod, …outcome}` or `expect: {pod, default: outcome, <Policy>: outcome, …}`",
    meaning: "wait until the pod shows the outcome; a per-policy entry beats `default`",
  },
  schema: EXPECT_SCHEMA,
  parse({ body, path: at, check, state }) {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      check.problem(at, `expect must be a mapping, not ${describe(body)}`, "write {pod: NAME, running: v1} or {pod: NAME, default: {...}, <Policy>: {...}}");
      return undefined;
    }
    const record = body as Record<string, unknown>;
    const pod = check.string(record.pod, [...at, "pod"], "pod");
    if (pod && !state.createdPods.has(pod)) check.problem([...at, "pod"], `no earlier run step creates pod ${pod}`, knownPods(state));
    else if (pod && !state.livePods.has(pod))
      check.problem(
        [...at, "pod"],
        `pod ${pod} was deleted by an earlier step, so there is nothing to expect of it`,
        "expect before the delete step, or run the pod again first",
      );
    const outcomeKeys = Object.keys(record).filter((k) => OUTCOME_KEYS.includes(k));
    const otherKeys = Object.keys(record).filter((k) => k !== "pod" && !outcomeKeys.includes(k));
    if (outcomeKeys.length > 0 && otherKeys.length > 0) {
      check.problem(
        at,
        `expect mixes a plain outcome (${outcomeKeys.join(", ")}) with per-policy entries (${otherKeys.join(", ")})`,
        "put the plain outcome under default:",
      );
      return undefined;
    }
    if (outcomeKeys.length > 0) {
      const { pod: _pod, ...plain } = record;
      const outcome = parseOutcome(plain, at, check, state.knownVariants);
      return pod && outcome ? { kind: "expect", pod, default: outcome, perPolicy: {} } : undefined;
    }
    if (otherKeys.length === 0) {
      check.problem(at, "expect has no outcome", "give an outcome (running, waiting, …) or default: and per-policy entries");
      return undefined;
    }
    let fallback: Outcome | undefined;
    const perPolicy: Record<string, Outcome> = {};
    for (const key of otherKeys) {
      if (key !== "default" && !state.knownPolicies.includes(key)) {
        const hint = didYouMean(key, [...state.knownPolicies, "default", ...OUTCOME_KEYS]);
        check.problem([...at, key], `"${key}" is neither a known policy nor default`, hint ?? `policies: ${state.knownPolicies.join(", ")}`);
        continue;
      }
      const outcome = parseOutcome(record[key], [...at, key], check, state.knownVariants);
      if (!outcome) continue;
      if (key === "default") fallback = outcome;
      else perPolicy[key] = outcome;
    }
    return pod ? { kind: "expect", pod, ...(fallback ? { default: fallback } : {}), perPolicy } : undefined;
  },
  describe: (step) => `expect pod/${step.pod}`,
  letsClockRun: true,
  perform: (step, context) => context.expect(step.pod, step.perPolicy[context.policy] ?? step.default),
};
