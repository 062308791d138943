/**
 * The documented differences between the simulation and a real kubelet in kind
 * (kind-config/known-differences.yaml): what each one is, why, and the source line that says so.
 * A difference a run finds that matches none of them fails `pullcheck differences`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { InputError, type InputProblem } from "../support/errors.js";
import { REPO_ROOT } from "../support/repo-root.js";

export const KNOWN_DIFFERENCES_FILE = join(REPO_ROOT, "kind-config", "known-differences.yaml");

export interface KnownDifference {
  id: string;
  /** Scenario-name globs it applies to (all scenarios when absent). */
  scenarios?: string[];
  /** Policies it applies to (all when absent). */
  policies?: string[];
  /** The outcomes both backends end on, each one of these (e.g. ErrImagePull and ImagePullBackOff). */
  outcomes: string[];
  /** The backends' verdicts differ too (one passes, the other fails): only for a named scenario and policy. */
  verdictsDiffer?: boolean;
  /** Kubernetes releases of the kind node image it was seen with. */
  kubelet: string[];
  why: string;
  source: string;
}

const FIELDS = ["id", "scenarios", "policies", "outcomes", "verdictsDiffer", "kubelet", "why", "source"];

export function loadKnownDifferences(file = KNOWN_DIFFERENCES_FILE): KnownDifference[] {
  const parsed: unknown = parse(readFileSync(file, "utf8"));
  const problems: InputProblem[] = [];
  const entries = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) problems.push({ file, message: "must be a list of differences", hint: "start each entry with `- id: …`" });
  entries.forEach((entry: Record<string, unknown>, i) => {
    const at = (field: string) => `[${i}].${field}`;
    for (const field of Object.keys(entry ?? {}))
      if (!FIELDS.includes(field)) problems.push({ file, path: at(field), message: `unknown field ${field}`, hint: `fields: ${FIELDS.join(", ")}` });
    for (const field of ["id", "why", "source"])
      if (typeof entry?.[field] !== "string" || entry[field] === "") problems.push({ file, path: at(field), message: "must be text", hint: "say it in words" });
    for (const field of ["scenarios", "policies", "outcomes", "kubelet"]) {
      const value = entry?.[field];
      const required = field === "outcomes" || field === "kubelet";
      if ((value !== undefined || required) && !(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")))
        problems.push({
          file,
          path: at(field),
          message: "must be a non-empty list of strings",
          hint: `e.g. ${field}: [${field === "outcomes" ? "waiting ErrImagePull" : "x"}]`,
        });
    }
    if (entry?.verdictsDiffer !== undefined && (entry.verdictsDiffer !== true || !entry.scenarios || !entry.policies))
      problems.push({
        file,
        path: at("verdictsDiffer"),
        message: "is `true`, and only with `scenarios` and `policies`",
        hint: "name the cells whose verdicts differ",
      });
  });
  if (problems.length > 0) throw new InputError(problems);
  return entries as KnownDifference[];
}
