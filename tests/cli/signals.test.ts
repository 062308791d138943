/**
 * A run stopped by `kill PID` (SIGTERM to the CLI alone, as a CI runner's cancel sends it) stops
 * its test workers too, and they release what they started: no process that was below the CLI
 * (workers, registries, Toxiproxies) and no registry folder of the run is left.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { descendantsOf, isRunning } from "../../harness/support/process-tree.js";
import { ROOT } from "./pullcheck-process.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-signals-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("pullcheck run stopped by SIGTERM", () => {
  it("should stop its workers, which release their registries, Toxiproxies and temp dirs, and exit 143", async () => {
    const output = join(work, "run");
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
    // Only the CLI's own processes: other test files run their own registries meanwhile.
    const before = descendantsOf(cli.pid!);
    const services = before.filter((p) => /\.tools\/bin\/(registry|toxiproxy-server) /.test(p.args));
    expect(services.length, "the run's registries and Toxiproxies are up").toBeGreaterThan(0);
    // The registries' folders (registry serve <dir>/config.yml) must be gone too.
    const folders = services.flatMap((p) => /serve (\S+)\/config\.yml/.exec(p.args)?.[1] ?? []);
    const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
    cli.kill("SIGTERM");
    const code = await exited;
    expect(code, out).toBe(143);
    expect(out).toContain("SIGTERM: stopping the tests");
    expect(before.filter((p) => isRunning(p.pid)).map((p) => p.args)).toEqual([]);
    expect(folders.filter((dir) => existsSync(dir))).toEqual([]);
  }, 120_000);
});
