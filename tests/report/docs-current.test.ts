/** The generated parts of the docs must match the definitions they come from: run `npx pullcheck docs` after changing one. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import { renderPolicyDocs } from "../../harness/report/policy-docs.js";
import { refreshScenarioFormatDocs } from "../../harness/report/scenario-format-docs.js";
import { refreshKindDocs } from "../../harness/fidelity/kind-docs.js";
import { schemaFiles } from "../../harness/report/schema-files.js";

const DOCS = join(import.meta.dirname, "..", "..", "docs");
const OBSERVED = /\n## What the catalogue observed\n[\s\S]*?(?=\n## )/;

describe("generated docs", () => {
  it("should have the step, fault and outcome tables of the definitions in docs/scenario-format.md", () => {
    const text = readFileSync(join(DOCS, "scenario-format.md"), "utf8");
    expect(text, "docs/scenario-format.md is out of date: run npx pullcheck docs").toBe(refreshScenarioFormatDocs(text));
  });

  it("should have the schema, invariant and decision tables of the definitions in docs/policies.md", () => {
    // What the catalogue observed comes from the last run, not from the definitions.
    const text = readFileSync(join(DOCS, "policies.md"), "utf8").replace(OBSERVED, "");
    expect(text, "docs/policies.md is out of date: run npx pullcheck docs").toBe(renderPolicyDocs(builtinPolicies(), []));
  });

  it("should list the documented simulation/kind differences of kind-config/known-differences.yaml in docs/kind.md", () => {
    const text = readFileSync(join(DOCS, "kind.md"), "utf8");
    expect(text, "docs/kind.md is out of date: run npx pullcheck docs").toBe(refreshKindDocs(text));
  });

  it("should publish the JSON Schemas of the scenario and policy definitions in schemas/", () => {
    for (const [path, text] of Object.entries(schemaFiles())) {
      expect(readFileSync(join(DOCS, "..", path), "utf8"), `${path} is out of date: run npx pullcheck docs`).toBe(text);
    }
  });
});
