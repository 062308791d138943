/**
 * What each finished catalogue test became, as the CLI reports it: passed, failed, skipped, or
 * broken (it failed only because of the environment: every error an EnvironmentError). The run's
 * exit code follows from these: a differing outcome beats a broken environment.
 */
import type { Reporter, SerializedError, TestCase, TestModule } from "vitest/node";
import { EXIT, type ExitCode } from "./exit-codes.js";

export type TestVerdict = "passed" | "failed" | "skipped" | "broken";

export interface FinishedTest {
  /** The vitest test name, "<scenario> [<Policy>]" with " (<backend>)" when a run has several backends. */
  name: string;
  scenario: string;
  policy: string;
  backend: string;
  verdict: TestVerdict;
  durationMs: number;
  /** Why it was skipped, or the first lines of why it failed or broke. */
  reason?: string;
}

const TEST_NAME = /^(.+) \[([^\]]+)\](?: \(([^)]+)\))?$/;

/** Scenario, policy and backend of a planned test's name (harness/run/catalogue.ts names them); undefined for other tests. */
export function parseTestName(name: string, defaultBackend: string): { scenario: string; policy: string; backend: string } | undefined {
  const match = TEST_NAME.exec(name);
  return match ? { scenario: match[1]!, policy: match[2]!, backend: match[3] ?? defaultBackend } : undefined;
}

/** An error thrown by the environment rather than by a differing outcome (names survive vitest's serialization). */
export function isEnvironmentError(error: SerializedError): boolean {
  return error.name === "EnvironmentError";
}

export function finishedTest(test: TestCase, defaultBackend: string): FinishedTest {
  const result = test.result();
  const cell = parseTestName(test.name, defaultBackend) ?? { scenario: test.name, policy: "", backend: defaultBackend };
  const base = { name: test.name, ...cell, durationMs: Math.round(test.diagnostic()?.duration ?? 0) };
  switch (result.state) {
    case "passed":
      return { ...base, verdict: "passed" };
    case "skipped":
      return { ...base, verdict: "skipped", ...(result.note ? { reason: result.note } : {}) };
    case "pending":
      return { ...base, verdict: "skipped", reason: "did not run" };
    case "failed": {
      const errors = result.errors;
      const broken = errors.length > 0 && errors.every(isEnvironmentError);
      return { ...base, verdict: broken ? "broken" : "failed", reason: errors.map((e) => e.message).join("\n") };
    }
  }
}

/** 1 when an outcome differed or something other than the environment failed; else 3 when a test broke; else 0. */
export function runExitCode(tests: readonly FinishedTest[], errors: readonly SerializedError[]): ExitCode {
  if (tests.some((t) => t.verdict === "failed") || errors.some((e) => !isEnvironmentError(e))) return EXIT.failed;
  if (tests.some((t) => t.verdict === "broken") || errors.length > 0) return EXIT.environment;
  return EXIT.ok;
}

export type VerdictCounts = Record<TestVerdict, number>;

/** passed/failed/skipped/broken per backend, in the order backends first appear. */
export function countByBackend(tests: readonly FinishedTest[]): Map<string, VerdictCounts> {
  const counts = new Map<string, VerdictCounts>();
  for (const test of tests) {
    const row = counts.get(test.backend) ?? { passed: 0, failed: 0, skipped: 0, broken: 0 };
    row[test.verdict]++;
    counts.set(test.backend, row);
  }
  return counts;
}

/**
 * Collects every finished catalogue test, and every error outside one (a test file that could not
 * load, a failing hook, an unhandled rejection, a failing summary test), for the exit code and summaries.
 */
export class RunCollector implements Reporter {
  readonly tests: FinishedTest[] = [];
  readonly errors: SerializedError[] = [];
  constructor(private readonly defaultBackend: string) {}

  onTestCaseResult(test: TestCase): void {
    if (parseTestName(test.name, this.defaultBackend)) this.tests.push(finishedTest(test, this.defaultBackend));
    else if (test.result().state === "failed") this.errors.push(...(test.result().errors ?? []));
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    for (const module of modules) this.errors.push(...module.errors());
    this.errors.push(...unhandled);
  }
}
