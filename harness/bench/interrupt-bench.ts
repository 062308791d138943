/**
 * Runs of the catalogue stopped from outside at set moments, and what each left behind: the
 * processes that had been below it, listening TCP ports that were not there before, and entries
 * in its temp folder (its own TMPDIR; after `make clean-temp` too, which a SIGKILL needs). Each
 * run's "pullcheck: …" lines are kept, to show what it said it stopped. Not a test: the moments
 * are real seconds, and the figures go to reports/bench.md.
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { constants, tmpdir } from "node:os";
import { REPO_ROOT } from "../support/repo-root.js";
import { sleep, RealClock } from "../support/clock.js";
import { descendantsOf, isRunning, type ProcessRow } from "../support/process-tree.js";

export interface InterruptCase {
  signal: "SIGINT" | "SIGTERM" | "SIGKILL";
  /** Real time after the start at which the signal is sent. */
  atMs: number;
  /** The CLI itself, or a shell above it (as `npx pullcheck` is). */
  target: "cli" | "wrapper";
}

export interface InterruptRow extends InterruptCase {
  exitCode: number | null;
  /** Processes that were below the run and still ran 60 s after it ended. */
  processesLeft: string[];
  /** TCP ports listening after the run that were not before it. */
  newListeningPorts: number[];
  /** What the run's TMPDIR held after it ended, and after `make clean-temp`. */
  tempLeft: string[];
  tempLeftAfterClean: string[];
  /** The run's own lines about stopping ("pullcheck: SIGTERM: …"). */
  said: string[];
}

export const INTERRUPT_CASES: InterruptCase[] = [
  ...(["SIGINT", "SIGTERM"] as const).flatMap((signal) => [1, 3, 8, 15].map((s) => ({ signal, atMs: s * 1000, target: "cli" as const }))),
  { signal: "SIGKILL", atMs: 8000, target: "cli" },
  { signal: "SIGTERM", atMs: 8000, target: "wrapper" },
  { signal: "SIGKILL", atMs: 8000, target: "wrapper" },
];

const GONE_WITHIN_MS = 60_000;

export async function benchInterrupts(log: (line: string) => void): Promise<InterruptRow[]> {
  const work = mkdtempSync(join(tmpdir(), "pullcheck-bench-interrupts-"));
  try {
    const rows: InterruptRow[] = [];
    for (const [i, testCase] of INTERRUPT_CASES.entries()) {
      const row = await interrupt(testCase, join(work, `case-${i + 1}`));
      rows.push(row);
      const left = row.processesLeft.length + row.newListeningPorts.length + row.tempLeftAfterClean.length;
      log(`interrupts: ${testCase.signal} to the ${testCase.target} at ${testCase.atMs / 1000} s: exit ${row.exitCode}, ${left} things left`);
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function interrupt(testCase: InterruptCase, dir: string): Promise<InterruptRow> {
  const temp = join(dir, "tmp");
  mkdirSync(temp, { recursive: true });
  const clock = new RealClock();
  const portsBefore = listeningPorts();
  const cli = [process.execPath, join(REPO_ROOT, "bin", "pullcheck.mjs"), "run", join(REPO_ROOT, "scenarios"), "--output", join(dir, "out")];
  // `; exit $?` keeps the shell from exec-ing the CLI in its place.
  const [command, ...args] = testCase.target === "wrapper" ? ["sh", "-c", `${cli.map((a) => `'${a}'`).join(" ")}; exit $?`] : cli;
  const top = spawn(command!, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: "true", PULLCHECK_RUN: "", TMPDIR: temp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  top.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  top.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => top.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))));
  const seen = new Map<number, ProcessRow>();
  const started = performance.now();
  while (performance.now() - started < testCase.atMs) {
    for (const row of descendantsOf(top.pid!)) seen.set(row.pid, row);
    await sleep(clock, 100);
  }
  top.kill(testCase.signal);
  const exitCode = await exited;
  const deadline = performance.now() + GONE_WITHIN_MS;
  const running = () => [...seen.values()].filter((row) => isRunning(row.pid));
  while (running().length > 0 && performance.now() < deadline) await sleep(clock, 200);
  const portsAfter = listeningPorts();
  const tempLeft = leftIn(temp);
  execFileSync("make", ["-s", "clean-temp", `TMPDIR=${temp}`], { cwd: REPO_ROOT, stdio: "ignore" });
  return {
    ...testCase,
    exitCode,
    processesLeft: running().map((row) => `${row.pid} ${row.args.slice(0, 120)}`),
    newListeningPorts: [...portsAfter].filter((port) => !portsBefore.has(port)).sort((a, b) => a - b),
    tempLeft,
    tempLeftAfterClean: leftIn(temp),
    said: output.split("\n").filter((line) => /^pullcheck: (SIG|the process)/.test(line)),
  };
}

/** A folder's entries, less tsx's compile cache (tsx-<uid>), which is meant to outlive runs. */
function leftIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !/^tsx-\d+$/.test(name));
}

/** Ports in LISTEN state (0A) in /proc/net/tcp and tcp6. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local) ports.add(parseInt(local.split(":").at(-1)!, 16));
    }
  }
  return ports;
}
