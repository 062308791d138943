/**
 * A run stopped by `kill PID` (SIGTERM to the CLI alone, as a CI runner's cancel sends it) stops
 * its test workers too, and they release what they started: no worker, registry or Toxiproxy
 * process and no temp dir of the run is left.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommandSync } from "../../harness/support/command.js";
import { ROOT } from "./pullcheck-process.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-signals-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Processes whose command line names this run's own results folder or its tools. */
function processesOf(marker: string): string[] {
  const lines = runCommandSync("ps", ["-eo", "pid,args"]).stdout.split("\n");
  return lines.filter((l) => l.includes(marker) && !l.includes(" ps -eo"));
}

describe("pullcheck run stopped by SIGTERM", () => {
  it("should stop its workers, which release their registries, Toxiproxies and temp dirs, and exit 143", async () => {
    const output = join(work, "run");
    const tempsBefore = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("pullcheck-")));
    const cli = spawn(process.execPath, [join(ROOT, "bin", "pullcheck.mjs"), "run", join(ROOT, "scenarios"), "--output", output], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", PULLCHECK_RUN: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const started = new Promise<void>((resolve) =>
      cli.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (/^\[\d+\/\d+\] /m.test(out)) resolve();
      }),
    );
    cli.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await started;
    expect(processesOf(join(ROOT, ".tools", "bin")).length, "the run's registries and Toxiproxies are up").toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
    cli.kill("SIGTERM");
    const code = await exited;
    expect(code, out).toBe(143);
    expect(out).toContain("SIGTERM: stopping the tests");
    expect(processesOf(output)).toEqual([]);
    expect(processesOf(join(ROOT, ".tools", "bin"))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("pullcheck-") && !tempsBefore.has(n) && !n.startsWith("pullcheck-signals-test-"))).toEqual([]);
  }, 120_000);
});
