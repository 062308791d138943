/** `pullcheck report`: the matrix from the last run's results, then the Allure HTML report (offline). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { builtinPolicies } from "../policy/load-policies.js";
import { renderPolicyDocs } from "../report/policy-docs.js";
import { refreshScenarioFormatDocs } from "../report/scenario-format-docs.js";
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from "../report/matrix.js";
import { EnvironmentError } from "../support/errors.js";
import { defaultRunConfig } from "../run/run-config.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { refreshKindDocs } from "../fidelity/kind-docs.js";
import { readResults } from "./read-results.js";

export async function buildReport(): Promise<number> {
  const resultsDir = defaultRunConfig().resultsDir;
  const results = readResults(resultsDir);
  const reports = join(REPO_ROOT, "reports");
  mkdirSync(reports, { recursive: true });
  if (results.length > 0) {
    const order = [...builtinPolicies().map((p) => p.name), ...results.map((r) => r.policy)];
    const matrix = buildMatrix(results, [...new Set(order)]);
    writeFileSync(join(reports, "matrix.md"), renderMatrixMarkdown(matrix));
    writeFileSync(join(reports, "matrix.html"), renderMatrixHtml(matrix));
    console.log(`wrote reports/matrix.md and reports/matrix.html (${matrix.rows.length} scenarios × ${matrix.columns.length} columns)`);
  } else {
    console.log("no results in reports/results: run the catalogue first (make conformance)");
  }
  if (!existsSync(join(REPO_ROOT, "allure-results")))
    throw new EnvironmentError("no allure-results/ to build a report from", "run `make conformance` or `npx pullcheck run` first");
  const allure = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules", "allure", "cli.js"), "generate", "allure-results", "--config", "allurerc.mjs"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  if (allure.status !== 0)
    throw new EnvironmentError(`allure generate exited with ${allure.status ?? allure.signal}`, "run `make setup` to install the Allure 3 CLI");
  console.log("wrote reports/allure-report/index.html");
  return 0;
}

/** docs/policies.md from the built-in policies and whatever results the last run left; the generated tables of docs/scenario-format.md. */
export function writeDocs(): number {
  const results = readResults(defaultRunConfig().resultsDir);
  writeFileSync(join(REPO_ROOT, "docs", "policies.md"), renderPolicyDocs(builtinPolicies(), results));
  const format = join(REPO_ROOT, "docs", "scenario-format.md");
  writeFileSync(format, refreshScenarioFormatDocs(readFileSync(format, "utf8")));
  const kind = join(REPO_ROOT, "docs", "kind.md");
  writeFileSync(kind, refreshKindDocs(readFileSync(kind, "utf8")));
  console.log(`wrote docs/policies.md (${results.length} catalogue results), the tables of docs/scenario-format.md and the known differences in docs/kind.md`);
  return 0;
}
