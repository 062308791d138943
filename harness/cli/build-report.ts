/** `pullcheck report`: the matrix from a run's results, then the Allure HTML report (offline). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { builtinPolicies } from "../policy/load-policies.js";
import { renderPolicyDocs } from "../report/policy-docs.js";
import { refreshScenarioFormatDocs } from "../report/scenario-format-docs.js";
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown, type Matrix } from "../report/matrix.js";
import { allureContext } from "../report/allure-context.js";
import { readRunManifest } from "../report/run-manifest.js";
import { EnvironmentError, InputError, errorMessage } from "../support/errors.js";
import { defaultRunConfig } from "../run/run-config.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { runCommand } from "../support/command.js";
import { refreshKindDocs } from "../fidelity/kind-docs.js";
import { schemaFiles } from "../report/schema-files.js";
import { readResults } from "../run/read-results.js";

export interface ReportOptions {
  /** A run's --output folder: read DIR/results and DIR/allure-results, write the report into DIR. Default: the repository's. */
  output?: string;
  /** Where progress lines go; when given, Allure's own output goes to stderr (stdout may carry JSON). */
  log?: (line: string) => void;
}

const ALLURE_VIEWS = [
  { href: "allure-report/awesome/index.html", text: "Allure report, by group and scenario" },
  { href: "allure-report/by-policy/index.html", text: "Allure report, by policy and backend" },
  { href: "allure-report/awesome/index.html#/categories", text: "findings by category" },
];

export function reportCommand(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: { output: { type: "string" } } }).values;
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: "see pullcheck report --help" }]);
  }
  return buildReport(values.output ? { output: resolve(values.output) } : {});
}

export async function buildReport(options: ReportOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const defaults = defaultRunConfig();
  const resultsDir = options.output ? join(options.output, "results") : defaults.resultsDir;
  const allureResultsDir = options.output ? join(options.output, "allure-results") : defaults.allureResultsDir;
  const reports = options.output ?? join(REPO_ROOT, "reports");
  const shown = (path: string) => (relative(process.cwd(), path).startsWith("..") ? path : relative(process.cwd(), path) || ".");
  if (options.output && !existsSync(resultsDir) && !existsSync(allureResultsDir))
    throw new InputError([
      {
        path: "--output",
        message: `${options.output} holds no run (no results/ nor allure-results/)`,
        hint: "the folder a `pullcheck run --output DIR` wrote",
      },
    ]);
  const results = readResults(resultsDir);
  mkdirSync(reports, { recursive: true });
  let matrix: Matrix | undefined;
  if (results.length > 0) {
    const order = [...builtinPolicies().map((p) => p.name), ...results.map((r) => r.policy)];
    matrix = buildMatrix(results, [...new Set(order)]);
    writeFileSync(join(reports, "matrix.md"), renderMatrixMarkdown(matrix));
    writeFileSync(join(reports, "matrix.html"), renderMatrixHtml(matrix));
    // The report's landing page: the matrix first, the Allure views one click away.
    writeFileSync(join(reports, "index.html"), renderMatrixHtml(matrix, undefined, ALLURE_VIEWS));
    log(
      `wrote ${shown(join(reports, "index.html"))} (the matrix, linking the Allure report), matrix.html and matrix.md (${matrix.rows.length} scenarios × ${matrix.columns.length} columns)`,
    );
  } else {
    log(`no results in ${shown(resultsDir)}: run the catalogue first (make conformance)`);
  }
  if (!existsSync(allureResultsDir))
    throw new EnvironmentError(`no ${shown(allureResultsDir)} to build a report from`, "run `make conformance` or `npx pullcheck run` first");
  const target = join(reports, "allure-report");
  const context = allureContext(readRunManifest(resultsDir), matrix, {
    ...(matrix ? { matrix: join(reports, "matrix.html") } : {}),
    history: join(reports, "history.jsonl"),
  });
  await runCommand(
    process.execPath,
    [join(REPO_ROOT, "node_modules", "allure", "cli.js"), "generate", allureResultsDir, "--config", "allurerc.mjs", "--output", target],
    { cwd: REPO_ROOT, env: { ...process.env, PULLCHECK_REPORT: JSON.stringify(context) }, hint: "run `make setup` to install the Allure 3 CLI" },
  );
  log(`wrote ${shown(join(target, "awesome", "index.html"))} (by scenario) and ${shown(join(target, "by-policy", "index.html"))} (by policy)`);
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
  for (const [path, text] of Object.entries(schemaFiles())) writeFileSync(join(REPO_ROOT, path), text);
  console.log(
    `wrote docs/policies.md (${results.length} catalogue results), the tables of docs/scenario-format.md, the known differences in docs/kind.md and schemas/*.schema.json`,
  );
  return 0;
}
