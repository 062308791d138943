/** The JSON documents of `list -o json` and `run -o json` (schema: docs/cli.md). */
import { relative } from "node:path";
import type { ScenarioRunResult } from "../assert/outcome-result.js";
import type { PlannedTest } from "../run/planned-test.js";
import type { RunConfig } from "../run/run-config.js";
import { REPO_ROOT } from "../support/repo-root.js";
import type { RunTestsResult } from "./run-tests.js";
import { countByBackend, type FinishedTest, type VerdictCounts } from "./test-verdicts.js";

export interface PlanDocument {
  tests: { name: string; scenario: string; policy: string; backend: string; file: string }[];
}

export function planDocument(plan: readonly PlannedTest[]): PlanDocument {
  return {
    tests: plan.map((t) => ({ name: t.name, scenario: t.scenario.id, policy: t.policy.name, backend: t.backend, file: relative(REPO_ROOT, t.scenario.file) })),
  };
}

export interface RunSummaryTest extends FinishedTest {
  /** The matrix's cell: what the last expected pod showed at the end of its window (from the saved result). */
  outcome?: string;
  /** Each expect step: what the scenario expected for this policy (when it says) and what the pod showed. */
  expects?: { step: number; pod: string; expected?: string; actual: string; verdict: "passed" | "failed" | "unspecified" }[];
  /** Security invariants the run violated. */
  violated?: string[];
}

export interface RunSummary {
  exitCode: number;
  resultsDir: string;
  allureResultsDir: string;
  junitFile?: string;
  totals: Record<string, VerdictCounts>;
  tests: RunSummaryTest[];
  /** Errors outside the catalogue's tests (a file that could not load, a failing hook). */
  errors: { name: string; message: string }[];
}

export function runSummary(config: RunConfig, run: RunTestsResult, results: readonly ScenarioRunResult[], junitFile?: string): RunSummary {
  const key = (backend: string, policy: string, scenario: string) => `${backend}\n${policy}\n${scenario}`;
  const saved = new Map(results.map((r) => [key(r.backend, r.policy, r.scenario), r]));
  return {
    exitCode: run.exitCode,
    resultsDir: config.resultsDir,
    allureResultsDir: config.allureResultsDir,
    ...(junitFile ? { junitFile } : {}),
    totals: Object.fromEntries(countByBackend(run.tests)),
    tests: run.tests.map((test) => {
      const result = saved.get(key(test.backend, test.policy, test.scenario));
      const last = result?.expects.at(-1);
      const violated = result?.invariants.filter((i) => i.verdict === "violated").map((i) => i.id) ?? [];
      return {
        ...test,
        ...(last ? { outcome: last.actual } : {}),
        ...(result
          ? {
              expects: result.expects.map((e) => ({
                step: e.stepIndex + 1,
                pod: e.pod,
                ...(e.expected ? { expected: e.expected } : {}),
                actual: e.actual,
                verdict: e.verdict,
              })),
            }
          : {}),
        ...(violated.length > 0 ? { violated } : {}),
      };
    }),
    errors: run.errors.map((e) => ({ name: e.name ?? "Error", message: e.message })),
  };
}
