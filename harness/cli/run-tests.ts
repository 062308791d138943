/** Runs the conformance test file in vitest with this run's configuration, and judges the run. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startVitest } from "vitest/node";
import type { Reporter, SerializedError } from "vitest/node";
import { type RunConfig } from "../run/run-config.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { type ExitCode } from "./exit-codes.js";
import { LineReporter } from "./line-reporter.js";
import { forwardSignalsToChildren, type SignalForwarding } from "./forward-signals.js";
import { ProgressReporter } from "./progress-reporter.js";
import { RunCollector, runExitCode, type FinishedTest } from "./test-verdicts.js";

export const CATALOGUE_TEST_FILE = "tests/conformance/catalogue.test.ts";

export interface RunTestsOptions {
  /** Also write a JUnit XML report here. */
  junitFile?: string;
  /** Also write failed tests as GitHub Actions annotations (on GitHub Actions). */
  annotate?: boolean;
  /** Where progress goes: stdout, or stderr when stdout carries JSON. */
  progress: NodeJS.WriteStream;
}

export interface RunTestsResult {
  /** 128 + the signal's number when a signal ended the run early. */
  exitCode: ExitCode | number;
  tests: FinishedTest[];
  /** Errors outside the catalogue's tests. */
  errors: SerializedError[];
}

export async function runTests(config: RunConfig, options: RunTestsOptions): Promise<RunTestsResult> {
  process.env.PULLCHECK_RUN = JSON.stringify(config);
  const vitestTemp = mkdtempSync(join(tmpdir(), "pullcheck-vitest-"));
  const removeVitestTemp = () => rmSync(vitestTemp, { recursive: true, force: true });
  const signals = forwardSignalsToChildren(removeVitestTemp);
  // Also when the CLI ends any other way (e.g. its stdout was a pipe whose reader went away).
  process.once("exit", removeVitestTemp);
  try {
    return await runVitest(config, options, signals, vitestTemp);
  } finally {
    signals.stop();
    process.off("exit", removeVitestTemp);
    removeVitestTemp();
  }
}

async function runVitest(config: RunConfig, options: RunTestsOptions, signals: SignalForwarding, vitestTemp: string): Promise<RunTestsResult> {
  const onTerminal = options.progress.isTTY && !process.env.CI;
  const defaultBackend = config.backends[0] ?? "sim";
  const collector = new RunCollector(defaultBackend);
  const progress: Reporter = onTerminal
    ? new ProgressReporter(defaultBackend, options.progress)
    : new LineReporter(defaultBackend, (text) => options.progress.write(text), options.annotate);
  // vitest keeps copies of transformed modules for its worker processes in tmpdir()/<random>,
  // chosen when its instance is made, synchronously inside startVitest, and removed only by a
  // clean close. Made under a folder of this run's, they go with it on a signal too, and
  // `make clean` finds them after a SIGKILL.
  const systemTemp = process.env.TMPDIR;
  process.env.TMPDIR = vitestTemp;
  const started = startVitest(
    "test",
    [CATALOGUE_TEST_FILE],
    {
      root: REPO_ROOT,
      run: true,
      watch: false,
      maxConcurrency: config.parallel,
      reporters: [
        progress,
        collector,
        ["allure-vitest/reporter", { resultsDir: config.allureResultsDir }],
        ...(options.junitFile ? [["junit", { outputFile: resolve(options.junitFile), suiteName: "pullcheck" }] as ["junit", Record<string, unknown>]] : []),
      ],
    },
    {},
    { stdout: options.progress, stderr: process.stderr },
  );
  if (systemTemp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = systemTemp;
  const vitest = await started;
  await vitest.close();
  return { exitCode: signals.exitCode() ?? runExitCode(collector.tests, collector.errors), tests: collector.tests, errors: collector.errors };
}
