/** `pullcheck run`, `list` and `validate`. */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { InputError, errorMessage } from "../support/errors.js";
import { ensureWritableFolder } from "../support/writable-folder.js";
import { loadCatalogue } from "../run/catalogue.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { buildReport } from "./build-report.js";
import { readResults } from "../run/read-results.js";
import { parseRunOptions } from "./run-options.js";
import { planDocument, runSummary } from "./run-summary.js";

export async function runCommand(args: string[]): Promise<number> {
  const { config, report, format, junitFile, output } = parseRunOptions("run", args);
  if (loadCatalogue(config).plan.length === 0) {
    const what = config.scenarioGlobs.length > 0 ? config.scenarioGlobs.join(", ") : "the given paths";
    throw new InputError([{ path: "--scenario", message: `no planned test matches ${what}`, hint: "see pullcheck list" }]);
  }
  emptyRunFolders([config.resultsDir, config.allureResultsDir], output ? "--output" : "results folder", junitFile);
  const json = format === "json";
  // vitest loads only for a run, not for list and validate.
  const { runTests } = await import("./run-tests.js");
  const run = await runTests(config, {
    progress: json ? process.stderr : process.stdout,
    annotate: process.env.GITHUB_ACTIONS === "true",
    ...(junitFile ? { junitFile } : {}),
  });
  let code: number = run.exitCode;
  // A run a signal ended has no report: its results are partial.
  if (report && code < 128) {
    try {
      await buildReport({ ...(output ? { output } : {}), ...(json ? { log: (line: string) => console.error(line) } : {}) });
    } catch (error) {
      console.error(`pullcheck: the report could not be built\n${errorMessage(error)}`);
      // The run's own verdict wins; a report that failed after a good run is the environment's.
      if (code === EXIT.ok) code = exitCodeOf(error);
    }
  }
  if (json) console.log(JSON.stringify(runSummary(config, run, readResults(config.resultsDir), junitFile), null, 2));
  return code;
}

export function listCommand(args: string[]): number {
  const { config, format } = parseRunOptions("list", args);
  const { plan } = loadCatalogue(config);
  if (format === "json") console.log(JSON.stringify(planDocument(plan), null, 2));
  else for (const test of plan) console.log(test.name);
  return EXIT.ok;
}

export function validateCommand(args: string[]): number {
  const { config, paths } = parseRunOptions("validate", args);
  if (paths.length === 0) throw new InputError([{ message: "validate needs at least one scenario file or folder" }]);
  const { scenarios } = loadCatalogue(config);
  console.log(`${scenarios.length} scenario file${scenarios.length === 1 ? "" : "s"} valid`);
  return EXIT.ok;
}

/**
 * A run's folders hold that run only: the matrix and the report must not mix in an earlier one.
 * Each is emptied and written to once before anything runs, so a folder that cannot be written
 * (a path under /proc, a file, a read-only mount) is bad input now, not a test worker stuck later.
 */
function emptyRunFolders(dirs: string[], flag: string, junitFile: string | undefined): void {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      throw new InputError([{ path: flag, message: `cannot empty ${dir}: ${errorMessage(error)}`, hint: "choose a folder this user can create and write" }]);
    }
    ensureWritableFolder(dir, flag);
  }
  if (junitFile) ensureWritableFolder(dirname(junitFile), "--junit");
}
