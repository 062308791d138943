/**
 * The catalogue again and again on the simulation while other processes keep every core busy:
 * outcomes must not depend on how loaded the machine is, so every run must pass. Each run is a
 * `pullcheck run` in a child process; a cell that failed or broke is named with its run as soon
 * as the run ends, and that run's results (timelines, access logs) are kept in
 * `reports/soak-failures/run-N` for the one who has to find out why.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { cellVerdict } from "../assert/outcome-result.js";
import { readResults } from "../run/read-results.js";
import { onCleanup } from "../support/cleanup.js";
import { summarize, type Summary } from "./stats.js";
import { runPullcheck } from "./run-command.js";
import { REPO_ROOT } from "../support/repo-root.js";

export const SOAK_FAILURES_DIR = join(REPO_ROOT, "reports", "soak-failures");

export interface SoakBench {
  runs: number;
  /** Processes that spun on the CPU meanwhile (one per core). */
  busyProcesses: number;
  tests: number;
  wallMs: Summary;
  /** "run N: scenario [policy]: verdict", for every cell that did not pass. */
  notPassed: string[];
}

export async function benchSoak(runs: number, log: (line: string) => void): Promise<SoakBench> {
  const work = mkdtempSync(join(tmpdir(), "pullcheck-bench-soak-"));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  const forgetWork = onCleanup(`soak folder ${work}`, removeWork);
  rmSync(SOAK_FAILURES_DIR, { recursive: true, force: true });
  const burners: ChildProcess[] = cpus().map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  const stopBurners = () => burners.forEach((burner) => burner.kill("SIGKILL"));
  const forget = onCleanup(`${burners.length} CPU-burning processes`, stopBurners);
  try {
    const walls: number[] = [];
    const notPassed: string[] = [];
    let tests = 0;
    for (let run = 1; run <= runs; run++) {
      const output = join(work, `run-${run}`);
      const result = await runPullcheck(["run", "scenarios", "--output", output]);
      const results = readResults(join(output, "results"));
      tests = results.length;
      const bad = results.filter((r) => cellVerdict(r) !== "passed").map((r) => `run ${run}: ${r.scenario} [${r.policy}]: ${cellVerdict(r)}`);
      notPassed.push(...bad);
      walls.push(result.wallMs);
      log(`soak: run ${run}/${runs}: ${(result.wallMs / 1000).toFixed(1)} s, ${results.length} tests, ${bad.length} not passed (exit ${result.code})`);
      if (bad.length > 0) {
        const kept = join(SOAK_FAILURES_DIR, `run-${run}`);
        cpSync(output, kept, { recursive: true });
        for (const line of bad) log(`soak: ${line} (results kept in ${kept})`);
      }
      rmSync(output, { recursive: true, force: true });
    }
    return { runs, busyProcesses: burners.length, tests, wallMs: summarize(walls), notPassed };
  } finally {
    stopBurners();
    forget();
    removeWork();
    forgetWork();
  }
}
