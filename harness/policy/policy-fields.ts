/**
 * The fields of a proposed-policy file: the loader's list of known fields, the schema table of
 * docs/policies.md and the published JSON Schema, all from here.
 */
import { duration, mapping, text, type JsonSchema } from "../support/json-schema.js";
import { FAILURE_CLASSES } from "./failure-class.js";

const ACTION: JsonSchema = { enum: ["UseCached", "Fail"] };
export interface PolicyField {
  name: string;
  values: string;
  meaning: string;
  required?: true;
  /** The field's JSON Schema (schemas/policy.schema.json), agreeing with the loader. */
  schema: JsonSchema;
}

export const POLICY_FIELDS: readonly PolicyField[] = [
  { name: "apiVersion", values: "`pullcheck/v1alpha1`", meaning: "the file format (optional)", schema: { const: "pullcheck/v1alpha1" } },
  { name: "kind", values: "`Policy`", meaning: "what the document is (optional)", schema: { const: "Policy" } },
  {
    name: "name",
    values: "UpperCamelCase",
    meaning: "the value a pod's `imagePullPolicy` would carry; not `Always`, `IfNotPresent`, `Never`",
    required: true,
    schema: { type: "string", pattern: "^[A-Z][A-Za-z0-9]*$", not: { enum: ["Always", "IfNotPresent", "Never"] } },
  },
  { name: "source", values: "text", meaning: "where the idea comes from", schema: text() },
  { name: "description", values: "text", meaning: "what it does", schema: text() },
  {
    name: "contact",
    values: "`always` \\| `ifAbsent` \\| `never` \\| `{ifOlderThan: 1h}`",
    meaning: "when the registry is asked; a cached copy is skipped only when the pod may use it (KEP-2535)",
    required: true,
    schema: { oneOf: [{ enum: ["always", "ifAbsent", "never"] }, mapping({ ifOlderThan: duration() }, ["ifOlderThan"])] },
  },
  {
    name: "check",
    values: "`digest` \\| `pull`",
    meaning: "`digest`: HEAD the manifest, pull only when the digest differs from the cached one; `pull`: pull like Always",
    required: true,
    schema: { enum: ["digest", "pull"] },
  },
  {
    name: "fallback",
    values: "failure class → `UseCached` \\| `Fail`",
    meaning:
      "classes: `unreachable`, `timeout`, `serverError`, `rateLimited`, `notFound`, `authDenied`, `integrity`; missing classes are `Fail`. With `check: digest` it applies to the digest check; a pull that fails after the digest changed is a normal failure (KEP-5497)",
    required: true,
    schema: mapping(Object.fromEntries(FAILURE_CLASSES.map((c) => [c, ACTION]))),
  },
  {
    name: "onResolveError",
    values: "`fallback` (default) \\| `pull`",
    meaning: "`pull` ignores a failed digest check and pulls (KEP-5497's prototype)",
    schema: { enum: ["fallback", "pull"] },
  },
  {
    name: "attempts",
    values: "1–10 (default 1)",
    meaning: "tries of the registry contact before its failure counts",
    schema: { type: "integer", minimum: 1, maximum: 10 },
  },
  { name: "resolveTimeout", values: "duration (default 10s)", meaning: "deadline of the digest check", schema: duration() },
  {
    name: "requireVerifiedCredentials",
    values: "bool (default true)",
    meaning:
      "fall back only to a cached copy this pod's own credentials were verified for (a KEP-2535 pulled record with its credentials, or one pulled without credentials), whatever the node's imagePullCredentialsVerificationPolicy; a preloaded image, which has no record, as that policy says",
    schema: { type: "boolean" },
  },
  {
    name: "maxAge",
    values: "duration (optional)",
    meaning: "refuse a fallback to a copy last confirmed by the registry longer ago than this",
    schema: duration(),
  },
];

/** The schema table of docs/policies.md. */
export function policyFieldTable(): string {
  const rows = POLICY_FIELDS.map((f) => `| \`${f.name}\` | ${f.values} | ${f.meaning} |`);
  return ["| field | values | meaning |", "|---|---|---|", ...rows].join("\n");
}
