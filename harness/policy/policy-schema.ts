/**
 * The JSON Schema of a proposed-policy document (schemas/policy.schema.json), from the same field
 * list the loader checks against. A policy file may hold several documents; each is one policy.
 */
import type { JsonSchema } from "../support/json-schema.js";
import { POLICY_FIELDS } from "./policy-fields.js";

export function policySchema(): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "pullcheck proposed imagePullPolicy (pullcheck/v1alpha1)",
    description: "A candidate imagePullPolicy defined as data. See docs/policies.md.",
    type: "object",
    properties: Object.fromEntries(POLICY_FIELDS.map((f) => [f.name, { ...f.schema, description: f.meaning }])),
    required: POLICY_FIELDS.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}
