/**
 * The catalogue again and again on the simulation while other processes keep every core busy:
 * outcomes must not depend on how loaded the machine is, so every run must pass. Each run is a
 * `pullcheck run -o json` in a child process, judged by its summary: a test that failed or broke
 * (a timeout too) and an error outside the tests are named with their run as soon as it ends, and
 * a run with any of them, or any other exit code than 0, keeps its results (timelines, access
 * logs), summary and stderr in `reports/soak-failures/run-N` for the one who has to find out why.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { onCleanup } from "../support/cleanup.js";
import { summarize, type Summary } from "./stats.js";
import { runPullcheck } from "./run-command.js";
import { REPO_ROOT } from "../support/repo-root.js";

const SOAK_FAILURES_DIR = join(REPO_ROOT, "reports", "soak-failures");

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
      const result = await runPullcheck(["run", "scenarios", "--output", output, "-o", "json"]);
      const summary = parseSummary(result.stdout);
      tests = summary?.tests.length ?? 0;
      const bad = summary ? notPassedIn(summary).map((line) => `run ${run}: ${line}`) : [`run ${run}: no summary (exit ${result.code})`];
      notPassed.push(...bad);
      walls.push(result.wallMs);
      log(`soak: run ${run}/${runs}: ${(result.wallMs / 1000).toFixed(1)} s, ${tests} tests, ${bad.length} not passed (exit ${result.code})`);
      if (bad.length > 0 || result.code !== 0) {
        const kept = join(SOAK_FAILURES_DIR, `run-${run}`);
        cpSync(output, kept, { recursive: true });
        writeFileSync(join(kept, "summary.json"), result.stdout);
        writeFileSync(join(kept, "stderr.txt"), result.stderr);
        for (const line of bad) log(`soak: ${line} (kept in ${kept})`);
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

/** The part of `pullcheck run -o json` (cli/run-summary.ts) the soak reads; a bench may not import the CLI's types. */
interface RunSummary {
  tests: { name: string; verdict: string; reason?: string }[];
  errors: { name: string; message: string }[];
}

function parseSummary(stdout: string): RunSummary | undefined {
  try {
    const parsed = JSON.parse(stdout) as RunSummary;
    return Array.isArray(parsed.tests) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Every test that failed or broke (a timeout included), and every error outside the tests. */
function notPassedIn(summary: RunSummary): string[] {
  const firstLine = (text = "") => text.split("\n")[0]!.slice(0, 300);
  return [
    ...summary.tests.filter((t) => t.verdict === "failed" || t.verdict === "broken").map((t) => `${t.name}: ${t.verdict}: ${firstLine(t.reason)}`),
    ...(summary.errors ?? []).map((e) => `error outside the tests: ${e.name}: ${firstLine(e.message)}`),
  ];
}
