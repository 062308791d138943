/**
 * The published JSON Schemas and the loaders must agree: every catalogue file and valid fixture is
 * valid for both, and every malformed fixture is refused by both, except the mistakes a schema
 * cannot see (they depend on earlier steps or on the run's policies), which are listed with why.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parseAllDocuments, parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFiles } from "../../harness/scenario/load.js";
import { scenarioSchema } from "../../harness/scenario/scenario-schema.js";
import { policySchema } from "../../harness/policy/policy-schema.js";
import { loadPolicyFiles } from "../../harness/policy/load-policies.js";
import { FIXTURE_VARIANTS } from "../../harness/fixture-images/catalog.js";
import { builtinPolicies } from "../../harness/policy/load-policies.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "tests", "fixtures", "scenarios");
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validScenario = ajv.compile(scenarioSchema());
const validPolicy = ajv.compile(policySchema());
const context = { knownPolicies: builtinPolicies().map((p) => p.name), knownVariants: [...FIXTURE_VARIANTS], scenariosRoot: FIXTURES };

/** Malformed fixtures only the loader refuses, and why a schema cannot. */
const LOADER_ONLY: Record<string, string> = {
  "invalid-delete-unknown-pod.yaml": "which pods exist depends on the earlier steps",
  "invalid-duplicate-pod.yaml": "which pods exist depends on the earlier steps",
  "invalid-expect-unknown-pod.yaml": "which pods exist depends on the earlier steps",
  "invalid-restore-without-backup.yaml": "which backups exist depends on the earlier steps",
  "invalid-secret-unknown-user.yaml": "which users exist depends on spec.registry.users and earlier grant steps",
  "invalid-preloaded-not-in-registry.yaml": "preloaded images must be among spec.registry.images, a relation between two fields",
  "invalid-outcome-unknown-policy.yaml": "the known policies are the run's (--policies adds more)",
  "invalid-unknown-policy-in-run.yaml": "the known policies are the run's (--policies adds more)",
  "invalid-unknown-variant-in-image-ref.yaml": "the variant is inside the image string (app@v9)",
  "invalid-stall-zero.yaml": "a zero duration is a valid duration; only the stall fault refuses it",
  "invalid-expect-deleted-pod.yaml": "which pods exist depends on the earlier steps",
  "invalid-events-and-no-events.yaml": "the same reason in two lists, a relation between two fields",
};

/** Malformed fixtures that are not YAML data a schema could judge. */
const NOT_YAML_DATA: Record<string, string> = {
  "invalid-yaml-syntax-error.yaml": "the file is not YAML",
  "invalid-yaml-alias-bomb.yaml": "its aliases expand to millions of nodes; the YAML reader refuses it",
  "invalid-yaml-duplicate-key.yaml": "a mapping with a key twice is not YAML data",
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith(".yaml") ? [path] : [];
  });
}

const schemaErrors = (file: string): string[] => {
  const ok = validScenario(parse(readFileSync(file, "utf8")));
  return ok ? [] : (validScenario.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe("schemas/scenario.schema.json and the scenario loader", () => {
  const valid = [...yamlFiles(join(ROOT, "scenarios")), ...yamlFiles(join(FIXTURES, "valid")), ...yamlFiles(join(FIXTURES, "failing"))];

  it.each(valid.map((f) => [f.slice(ROOT.length + 1), f]))("should both accept %s", (_name, file) => {
    expect(loadScenarioFiles([file], context).problems).toEqual([]);
    expect(schemaErrors(file)).toEqual([]);
  });

  const invalid = yamlFiles(join(FIXTURES, "invalid"));
  it.each(invalid.map((f) => [f.slice(FIXTURES.length + 1), f]))("should both refuse %s, or the loader alone for a reason", (_name, file) => {
    const name = file.slice(file.lastIndexOf("/") + 1);
    expect(loadScenarioFiles([file], context).problems.length).toBeGreaterThan(0);
    if (NOT_YAML_DATA[name]) return;
    if (LOADER_ONLY[name]) {
      expect(schemaErrors(file), `${name} is now refused by the schema too: remove it from LOADER_ONLY`).toEqual([]);
    } else {
      expect(schemaErrors(file).length, `the schema accepts ${name}, which the loader refuses`).toBeGreaterThan(0);
    }
  });
});

describe("schemas/policy.schema.json and the policy loader", () => {
  const work = mkdtempSync(join(tmpdir(), "pullcheck-policy-schema-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const policyOk = (doc: unknown) => validPolicy(doc);
  const loads = (text: string) => {
    const file = join(work, `p${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    try {
      loadPolicyFiles([file]);
      return true;
    } catch {
      return false;
    }
  };

  it("should both accept every built-in policy and the fork's example", () => {
    for (const file of [...yamlFiles(join(ROOT, "harness", "policies")), ...yamlFiles(join(ROOT, "fork", "examples"))]) {
      for (const doc of parseAllDocuments(readFileSync(file, "utf8")) as ReturnType<typeof parseAllDocuments> & unknown[]) {
        expect(policyOk(doc.toJS()), `${file}: ${JSON.stringify(validPolicy.errors)}`).toBe(true);
      }
      expect(loadPolicyFiles([file]).length).toBeGreaterThan(0);
    }
  });

  const base = "name: Mine\ncontact: always\ncheck: pull\nfallback: { unreachable: UseCached }\n";
  it.each([
    ["a misspelled field", `${base}attempt: 2\n`],
    ["a lowercase name", base.replace("Mine", "mine")],
    ["an upstream name", base.replace("Mine", "Always")],
    ["an unknown contact", base.replace("contact: always", "contact: sometimes")],
    ["an unknown failure class", base.replace("unreachable", "offline")],
    ["an unknown action", base.replace("UseCached", "Retry")],
    ["attempts out of range", `${base}attempts: 11\n`],
    ["a bad duration", `${base}resolveTimeout: soon\n`],
    ["a missing required field", base.replace("check: pull\n", "")],
  ])("should both refuse %s", (_what, text) => {
    expect(loads(text)).toBe(false);
    expect(policyOk(parse(text))).toBe(false);
  });

  it("should both accept a policy with every optional field", () => {
    const text = `apiVersion: pullcheck/v1alpha1\nkind: Policy\n${base}source: me\ndescription: test\nonResolveError: pull\nattempts: 3\nresolveTimeout: 2s\nrequireVerifiedCredentials: false\nmaxAge: 24h\n`;
    expect(loads(text)).toBe(true);
    expect(policyOk(parse(text)), JSON.stringify(validPolicy.errors)).toBe(true);
  });
});
