/**
 * Loads proposed-policy definitions (YAML, one or more documents per file) strictly: unknown
 * fields, unknown failure classes and bad values are errors with file, field path and a hint.
 */
import { join } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { parseDuration } from "../support/duration.js";
import { InputError, MAX_PROBLEMS_PER_FILE, echoValue, type InputProblem } from "../support/errors.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { findYamlFiles, readInputFile, yamlSyntaxProblems, yamlValue } from "../support/input-files.js";
import { POLICY_FIELDS } from "./policy-fields.js";
import { FAILURE_CLASSES, isFailureClass, type FailureClass } from "./failure-class.js";
import { UPSTREAM_DEFINITIONS, isUpstreamPolicy, type Contact, type FallbackAction, type PolicyDefinition, type ProposedPolicy } from "./policy-definition.js";

export const BUILTIN_POLICY_DIR = join(REPO_ROOT, "harness", "policies");

const FIELDS = POLICY_FIELDS.map((f) => f.name);
const REQUIRED = POLICY_FIELDS.filter((f) => f.required).map((f) => f.name);

/** The order the built-in candidates are compared in, from the most permissive to the most careful; reports follow it. */
const BUILTIN_ORDER = ["PullWithFallback", "IfNewerNotPresent", "IfNewerNotPresentPrototype", "SafeFallback", "IfNotPresentOrStale"];

/** The upstream three followed by the built-in candidates, in a stable order. */
export function builtinPolicies(): PolicyDefinition[] {
  const rank = (name: string) => (BUILTIN_ORDER.indexOf(name) + BUILTIN_ORDER.length + 1) % (BUILTIN_ORDER.length + 1);
  const candidates = loadPolicyFiles([BUILTIN_POLICY_DIR]).sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  return [...UPSTREAM_DEFINITIONS, ...candidates];
}

/** The built-in policies and the user's (`--policies`); a user's policy may not take a built-in one's name. */
export function policiesWith(userFiles: string[]): PolicyDefinition[] {
  const builtin = builtinPolicies();
  const isBuiltinFile = (policy: ProposedPolicy) => builtin.some((b) => b.kind === "proposed" && b.file === policy.file);
  const user = (userFiles.length > 0 ? loadPolicyFiles(userFiles) : []).filter((policy) => !isBuiltinFile(policy));
  const clashes = user.filter((policy) => builtin.some((b) => b.name === policy.name));
  if (clashes.length > 0)
    throw new InputError(
      clashes.map((policy) => ({
        file: policy.file,
        path: "name",
        message: `policy ${policy.name} is one of pullcheck's built-in policies`,
        hint: "give your policy a name of its own (the built-in one runs anyway)",
      })),
    );
  return [...builtin, ...user];
}

/** Loads every policy in these files or folders (*.yaml, *.yml); throws InputError listing all problems. */
export function loadPolicyFiles(paths: string[]): ProposedPolicy[] {
  const problems: InputProblem[] = [];
  const policies: ProposedPolicy[] = [];
  for (const file of findYamlFiles(paths, "policy", problems)) policies.push(...parsePolicyFile(file, problems));
  const seen = new Map<string, string>();
  for (const policy of policies) {
    const earlier = seen.get(policy.name);
    if (earlier)
      problems.push({
        file: policy.file,
        path: "name",
        message: `policy ${policy.name} is also defined in ${earlier}`,
        hint: "give each policy a unique name",
      });
    seen.set(policy.name, policy.file);
  }
  if (problems.length > 0) throw new InputError(problems);
  return policies;
}

function parsePolicyFile(file: string, problems: InputProblem[]): ProposedPolicy[] {
  const policies: ProposedPolicy[] = [];
  const before = problems.length;
  const yamlText = readInputFile(file, "policy", problems);
  if (yamlText === undefined) return policies;
  const lines = new LineCounter();
  const docs = parseAllDocuments(yamlText, { lineCounter: lines, uniqueKeys: false });
  if (!Array.isArray(docs)) return policies;
  docs.forEach((doc, index) => {
    const prefix = docs.length > 1 ? `[document ${index + 1}] ` : "";
    const syntaxProblems = yamlSyntaxProblems(doc, lines, file);
    problems.push(...syntaxProblems);
    if (syntaxProblems.length > 0) return;
    const raw = yamlValue(doc, file, problems);
    if (raw === null || raw === undefined) return;
    const beforeDocument = problems.length;
    const where = (path: string): InputProblem => {
      const node = doc.getIn(path.split("."), true) as { range?: [number, number] } | undefined;
      const at = node?.range ? lines.linePos(node.range[0]) : undefined;
      return { file: at ? `${file}:${at.line}:${at.col}` : file, path: prefix + path, message: "" };
    };
    let unlisted = 0;
    const policy = toPolicy(raw, file, (path, message, hint) => {
      if (problems.length - beforeDocument < MAX_PROBLEMS_PER_FILE) problems.push({ ...where(path), message, hint });
      else unlisted++;
    });
    if (unlisted > 0) problems.push({ file, message: `and ${unlisted} more problems in this document`, hint: "fix the ones above and validate again" });
    if (policy && problems.length === beforeDocument) policies.push(policy);
  });
  if (policies.length === 0 && problems.length === before)
    problems.push({ file, message: "the file holds no policy", hint: "give each policy as a YAML document with the fields name, contact, check, fallback" });
  return policies;
}

type Report = (path: string, message: string, hint?: string) => void;

function toPolicy(raw: unknown, file: string, report: Report): ProposedPolicy | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    report("", "a policy must be a mapping", `give the fields ${REQUIRED.join(", ")}`);
    return undefined;
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) report(key, `unknown field "${key}"`, `known fields: ${FIELDS.join(", ")}`);
  }
  for (const key of REQUIRED) if (fields[key] === undefined) report(key, `missing required field "${key}"`, "see docs/policies.md for the schema");
  if (fields.apiVersion !== undefined && fields.apiVersion !== "pullcheck/v1alpha1")
    report("apiVersion", `unsupported apiVersion ${echoValue(fields.apiVersion)}`, "use pullcheck/v1alpha1");
  if (fields.kind !== undefined && fields.kind !== "Policy") report("kind", `kind must be Policy, not ${echoValue(fields.kind)}`);
  const name = text(fields.name, "name", report);
  if (name !== undefined && !/^[A-Z][A-Za-z0-9]*$/.test(name))
    report("name", `policy name "${name}" must be an UpperCamelCase word like the upstream values`, "for example IfNewerNotPresent");
  if (name !== undefined && (isUpstreamPolicy(name) || name === "default")) report("name", `"${name}" is reserved`, "upstream policies cannot be redefined");
  const contact = toContact(fields.contact, report);
  const check = oneOf(fields.check, "check", ["digest", "pull"] as const, report);
  const onResolveError =
    fields.onResolveError === undefined ? "fallback" : oneOf(fields.onResolveError, "onResolveError", ["fallback", "pull"] as const, report);
  const fallback = toFallback(fields.fallback, report);
  const attempts = fields.attempts === undefined ? 1 : fields.attempts;
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 1 || attempts > 10)
    report("attempts", `attempts must be a whole number from 1 to 10, not ${echoValue(attempts)}`);
  const resolveTimeoutMs = duration(fields.resolveTimeout ?? "10s", "resolveTimeout", report);
  if (resolveTimeoutMs === 0)
    report("resolveTimeout", "resolveTimeout must be longer than 0s: with no time the digest check always fails", "for example 10s (the default)");
  const maxAgeMs = fields.maxAge === undefined ? undefined : duration(fields.maxAge, "maxAge", report);
  const verified = fields.requireVerifiedCredentials ?? true;
  if (typeof verified !== "boolean") report("requireVerifiedCredentials", "must be true or false");
  if (!name || !contact || !check || !fallback || !onResolveError || resolveTimeoutMs === undefined) return undefined;
  return {
    kind: "proposed",
    name,
    source: typeof fields.source === "string" ? fields.source : "",
    description: typeof fields.description === "string" ? fields.description.trim() : "",
    contact,
    check,
    fallback,
    onResolveError,
    attempts: attempts as number,
    resolveTimeoutMs,
    requireVerifiedCredentials: verified === true,
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    file,
  };
}

function toContact(value: unknown, report: Report): Contact | undefined {
  if (value === "always" || value === "ifAbsent" || value === "never") return { kind: value };
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "ifOlderThan") {
      const ms = duration((value as { ifOlderThan: unknown }).ifOlderThan, "contact.ifOlderThan", report);
      return ms === undefined ? undefined : { kind: "ifOlderThan", ms };
    }
  }
  if (value !== undefined) report("contact", `contact must be always, ifAbsent, never or {ifOlderThan: DURATION}, not ${echoValue(value)}`);
  return undefined;
}

function toFallback(value: unknown, report: Report): Record<FailureClass, FallbackAction> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    report("fallback", "fallback must map failure classes to UseCached or Fail", `classes: ${FAILURE_CLASSES.join(", ")}`);
    return undefined;
  }
  const table = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, "Fail"])) as Record<FailureClass, FallbackAction>;
  let ok = true;
  for (const [key, action] of Object.entries(value)) {
    if (!isFailureClass(key)) {
      report(`fallback.${key}`, `unknown failure class "${key}"`, `classes: ${FAILURE_CLASSES.join(", ")}`);
      ok = false;
    } else if (action !== "UseCached" && action !== "Fail") {
      report(`fallback.${key}`, `must be UseCached or Fail, not ${echoValue(action)}`);
      ok = false;
    } else table[key] = action;
  }
  return ok ? table : undefined;
}

function text(value: unknown, path: string, report: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  report(path, `${path} must be a non-empty string`);
  return undefined;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], report: Report): T | undefined {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  if (value !== undefined) report(path, `${path} must be one of ${allowed.join(", ")}, not ${echoValue(value)}`);
  return undefined;
}

function duration(value: unknown, path: string, report: Report): number | undefined {
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined) report(path, `${path} must be a Go duration such as 10s or 1h, not ${echoValue(value)}`);
  return ms;
}
