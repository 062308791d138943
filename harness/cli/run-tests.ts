/** Runs the conformance test file in vitest with this run's configuration. */
import { startVitest } from "vitest/node";
import { type RunConfig } from "../run/run-config.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { ProgressReporter } from "./progress-reporter.js";

export const CATALOGUE_TEST_FILE = "tests/conformance/catalogue.test.ts";

export async function runTests(config: RunConfig): Promise<number> {
  process.env.PULLCHECK_RUN = JSON.stringify(config);
  const onTerminal = process.stdout.isTTY && !process.env.CI;
  const vitest = await startVitest("test", [CATALOGUE_TEST_FILE], {
    root: REPO_ROOT,
    run: true,
    watch: false,
    maxConcurrency: config.parallel,
    reporters: [onTerminal ? new ProgressReporter() : "default", ["allure-vitest/reporter", { resultsDir: config.allureResultsDir }]],
  });
  const failed = vitest.state.getCountOfFailedTests();
  const errors = vitest.state.getUnhandledErrors().length;
  await vitest.close();
  return failed > 0 || errors > 0 || process.exitCode === 1 ? 1 : 0;
}
