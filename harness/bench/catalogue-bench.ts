/**
 * Catalogue time: the catalogue under every policy on the simulation, run by `pullcheck run` in a
 * child process, timed from outside; where the time goes comes from the runs' own results
 * (reset, registry setup, steps, registry requests) and from environment starts timed here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startEnvironment } from "../environment/environment.js";
import { loadCatalogue } from "../run/catalogue.js";
import { DEFAULT_PARALLEL, defaultRunConfig } from "../run/run-config.js";
import { readResults } from "../run/read-results.js";
import { REPO_ROOT } from "../support/repo-root.js";
import type { ScenarioRunResult } from "../assert/outcome-result.js";
import { summarize, type Summary } from "./stats.js";
import { runPullcheck } from "./run-command.js";

export interface CatalogueRun {
  scenarios: number;
  tests: number;
  wallMs: Summary;
  testsPerSecond: Summary;
  /** Runs whose exit code was not 0 (an outcome differed or something broke). */
  failedRuns: number;
}

export interface CatalogueBench {
  parallel: number;
  full: CatalogueRun;
  /** Summed over all tests of the last full run, in seconds of test time (tests overlap). */
  breakdown: { resetS: number; setupS: number; stepsS: number; registryRequestsS: number; registryGiB: number };
  environmentStartMs: Summary;
  resetMs: Summary;
  slowest: { scenario: string; meanS: number }[];
  scaling: CatalogueRun[];
}

export async function benchCatalogue(runs: number, sizes: number[], log: (line: string) => void): Promise<CatalogueBench> {
  const catalogue = loadCatalogue(defaultRunConfig());
  const files = [...catalogue.scenarios].sort((a, b) => a.id.localeCompare(b.id)).map((s) => s.file);
  const policies = catalogue.policies.length;
  const work = mkdtempSync(join(tmpdir(), "pullcheck-bench-"));
  try {
    const scaling: CatalogueRun[] = [];
    let lastResults: ScenarioRunResult[] = [];
    for (const size of [...new Set([...sizes.filter((s) => s < files.length), files.length])]) {
      const walls: number[] = [];
      let failedRuns = 0;
      for (let run = 0; run < runs; run++) {
        const output = join(work, `run-${size}-${run}`);
        const result = await runPullcheck(["run", ...files.slice(0, size), "--output", output]);
        if (result.code !== 0) failedRuns++;
        walls.push(result.wallMs);
        log(`catalogue: ${size} scenarios, run ${run + 1}/${runs}: ${(result.wallMs / 1000).toFixed(1)} s (exit ${result.code})`);
        if (size === files.length) lastResults = readResults(join(output, "results"));
        rmSync(output, { recursive: true, force: true });
      }
      const tests = size * policies;
      scaling.push({ scenarios: size, tests, wallMs: summarize(walls), testsPerSecond: summarize(walls.map((w) => tests / (w / 1000))), failedRuns });
    }
    const starts: number[] = [];
    const resets: number[] = [];
    const environment = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), tempRoot: work });
    await environment.close();
    for (let run = 0; run < Math.max(3, runs); run++) {
      const started = performance.now();
      const env = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), tempRoot: work });
      starts.push(performance.now() - started);
      for (let i = 0; i < 5; i++) {
        const before = performance.now();
        await env.reset();
        resets.push(performance.now() - before);
      }
      await env.close();
    }
    return {
      parallel: DEFAULT_PARALLEL,
      full: scaling.at(-1)!,
      breakdown: breakdownOf(lastResults),
      environmentStartMs: summarize(starts),
      resetMs: summarize(resets),
      slowest: slowestScenarios(lastResults, 8),
      scaling,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function breakdownOf(results: ScenarioRunResult[]): CatalogueBench["breakdown"] {
  const sum = (pick: (r: ScenarioRunResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    resetS: sum((r) => r.timing?.resetMs ?? 0) / 1000,
    setupS: sum((r) => r.timing?.setupMs ?? 0) / 1000,
    stepsS: sum((r) => r.timing?.stepsMs ?? 0) / 1000,
    registryRequestsS: sum((r) => r.timing?.registryRequestsMs ?? 0) / 1000,
    registryGiB: sum((r) => r.timing?.registryBytes ?? 0) / 1024 ** 3,
  };
}

function slowestScenarios(results: ScenarioRunResult[], count: number): CatalogueBench["slowest"] {
  const byScenario = new Map<string, number[]>();
  for (const r of results) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r.realDurationMs]);
  return [...byScenario]
    .map(([scenario, ms]) => ({ scenario, meanS: ms.reduce((a, b) => a + b, 0) / ms.length / 1000 }))
    .sort((a, b) => b.meanS - a.meanS)
    .slice(0, count);
}
