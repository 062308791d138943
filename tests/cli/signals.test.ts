/**
 * A run stopped from outside releases what it started: no process that was below it (the CLI,
 * its workers, registries, Toxiproxies) and nothing in its temp folder (TMPDIR) is left.
 * - `kill PID` (SIGTERM to the CLI alone, as a CI runner's cancel sends it): the CLI stops its
 *   workers and exits 143;
 * - SIGKILL to the CLI: its workers see their parent gone and release what they hold (silently:
 *   their output went through the CLI); vitest's module copies, the CLI's own, are left for
 *   `make clean` (pullcheck-vitest-*);
 * - SIGKILL to a wrapper above the CLI (as to `npx pullcheck`): the CLI sees its parent gone.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { descendantsOf, isRunning, type ProcessRow } from "../../harness/support/process-tree.js";
import { retryUntil } from "../../harness/support/retry-until.js";
import { ROOT } from "./pullcheck-process.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-signals-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface StartedRun {
  top: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  /** Every process below `top` once the first test ended, `top` excluded. */
  below: ProcessRow[];
  /** The registries' folders (registry serve <dir>/config.yml). */
  folders: string[];
  /** The run's TMPDIR, a folder of its own. */
  temp: string;
  exited: Promise<number | null>;
}

/** Starts the catalogue (under a shell when `wrapped`) and returns once its first test has ended. */
async function startRun(name: string, wrapped: boolean): Promise<StartedRun> {
  const cli = [process.execPath, join(ROOT, "bin", "pullcheck.mjs"), "run", join(ROOT, "scenarios"), "--output", join(work, name)];
  // `; exit $?` keeps the shell from exec-ing the CLI in its place.
  const [command, ...args] = wrapped ? ["sh", "-c", `${cli.map((a) => `'${a}'`).join(" ")}; exit $?`] : cli;
  const temp = join(work, `${name}-tmp`);
  mkdirSync(temp);
  const top = spawn(command!, args, { cwd: ROOT, env: { ...process.env, CI: "true", PULLCHECK_RUN: "", TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | null>((resolve) => top.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    top.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^\[\d+\/\d+\] /m.test(out)) resolve();
    });
    top.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  });
  // Only this run's processes: other test files run their own registries meanwhile.
  const below = descendantsOf(top.pid!);
  const services = below.filter((p) => /\.tools\/bin\/(registry|toxiproxy-server) /.test(p.args));
  expect(services.length, "the run's registries and Toxiproxies are up").toBeGreaterThan(0);
  return { top, output: () => out, below, folders: services.flatMap((p) => /serve (\S+)\/config\.yml/.exec(p.args)?.[1] ?? []), temp, exited };
}

/** Waits until none of the run's processes is left; fails naming the ones that are. */
async function expectAllGone(run: StartedRun): Promise<void> {
  const left = () => run.below.filter((p) => isRunning(p.pid)).map((p) => p.args);
  await retryUntil(
    async () => {
      if (left().length > 0) throw new Error("still running");
    },
    { timeoutMs: 60_000, intervalMs: 200, giveUp: () => new Error(`still running after 60 s:\n${left().join("\n")}\n${run.output()}`) },
  );
  expect(run.folders.filter((dir) => existsSync(dir))).toEqual([]);
}

/**
 * What is left in the run's TMPDIR, less what `make clean` removes when `cleanable` matches, and
 * less tsx's compile cache (tsx-<uid>), which is meant to outlive runs.
 */
function leftInTemp(run: StartedRun, cleanable?: RegExp): string[] {
  return readdirSync(run.temp).filter((name) => !cleanable?.test(name) && !/^tsx-\d+$/.test(name));
}

describe("pullcheck run stopped from outside", () => {
  it("should stop its workers on SIGTERM, which release their registries, Toxiproxies and temp dirs, and exit 143", async () => {
    const run = await startRun("sigterm", false);
    run.top.kill("SIGTERM");
    expect(await run.exited, run.output()).toBe(143);
    expect(run.output()).toContain("SIGTERM: stopping the tests");
    expect(run.below.filter((p) => isRunning(p.pid)).map((p) => p.args)).toEqual([]);
    expect(run.folders.filter((dir) => existsSync(dir))).toEqual([]);
    expect(leftInTemp(run)).toEqual([]);
  }, 120_000);

  // Nothing can say so: the workers' output went through the CLI, which is gone.
  it("should leave nothing when the CLI itself is killed with SIGKILL", async () => {
    const run = await startRun("sigkill-cli", false);
    run.top.kill("SIGKILL");
    await expectAllGone(run);
    expect(leftInTemp(run, /^pullcheck-vitest-/)).toEqual([]);
  }, 120_000);

  it("should stop when a wrapper above the CLI is killed with SIGKILL, as npx may be", async () => {
    const run = await startRun("sigkill-wrapper", true);
    run.top.kill("SIGKILL");
    await expectAllGone(run);
    expect(run.output()).toContain("pullcheck: the process that started this run is gone");
    expect(leftInTemp(run)).toEqual([]);
  }, 120_000);
});
