/**
 * The fields of a proposed-policy file: the loader's list of known fields and the schema table of
 * docs/policies.md, both from here.
 */
export interface PolicyField {
  name: string;
  values: string;
  meaning: string;
  required?: true;
}

export const POLICY_FIELDS: readonly PolicyField[] = [
  { name: "apiVersion", values: "`pullcheck/v1alpha1`", meaning: "the file format (optional)" },
  { name: "kind", values: "`Policy`", meaning: "what the document is (optional)" },
  {
    name: "name",
    values: "UpperCamelCase",
    meaning: "the value a pod's `imagePullPolicy` would carry; not `Always`, `IfNotPresent`, `Never`",
    required: true,
  },
  { name: "source", values: "text", meaning: "where the idea comes from" },
  { name: "description", values: "text", meaning: "what it does" },
  {
    name: "contact",
    values: "`always` \\| `ifAbsent` \\| `never` \\| `{ifOlderThan: 1h}`",
    meaning: "when the registry is asked; a cached copy is skipped only when the pod may use it (KEP-2535)",
    required: true,
  },
  {
    name: "check",
    values: "`digest` \\| `pull`",
    meaning: "`digest`: HEAD the manifest, pull only when the digest differs from the cached one; `pull`: pull like Always",
    required: true,
  },
  {
    name: "fallback",
    values: "failure class → `UseCached` \\| `Fail`",
    meaning:
      "classes: `unreachable`, `timeout`, `serverError`, `rateLimited`, `notFound`, `authDenied`, `integrity`; missing classes are `Fail`. With `check: digest` it applies to the digest check; a pull that fails after the digest changed is a normal failure (KEP-5497)",
    required: true,
  },
  { name: "onResolveError", values: "`fallback` (default) \\| `pull`", meaning: "`pull` ignores a failed digest check and pulls (KEP-5497's prototype)" },
  { name: "attempts", values: "1–10 (default 1)", meaning: "tries of the registry contact before its failure counts" },
  { name: "resolveTimeout", values: "duration (default 10s)", meaning: "deadline of the digest check" },
  { name: "requireVerifiedCredentials", values: "bool (default true)", meaning: "fall back only to an image the pod may use without a pull under KEP-2535" },
  { name: "maxAge", values: "duration (optional)", meaning: "refuse a fallback to a copy last confirmed by the registry longer ago than this" },
];

/** The schema table of docs/policies.md. */
export function policyFieldTable(): string {
  const rows = POLICY_FIELDS.map((f) => `| \`${f.name}\` | ${f.values} | ${f.meaning} |`);
  return ["| field | values | meaning |", "|---|---|---|", ...rows].join("\n");
}
