/**
 * A run stopped by `kill PID` (SIGTERM to the CLI alone, as a CI runner's cancel sends it) stops
 * its test workers too, and they release what they started: no process that was below the CLI
 * (workers, registries, Toxiproxies) and no registry folder of the run is left.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommandSync } from "../../harness/support/command.js";
import { ROOT } from "./pullcheck-process.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-signals-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The processes below `root` (pid and command line): other test files run their own registries meanwhile. */
function descendantsOf(root: number): Array<{ pid: number; args: string }> {
  const rows = runCommandSync("ps", ["-eo", "pid=,ppid=,args="])
    .stdout.split("\n")
    .flatMap((line) => {
      const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3]! }] : [];
    });
  const below = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (below.has(row.ppid) && !below.has(row.pid)) {
        below.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => r.pid !== root && below.has(r.pid)).map(({ pid, args }) => ({ pid, args }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

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
    expect(before.filter((p) => alive(p.pid)).map((p) => p.args)).toEqual([]);
    expect(folders.filter((dir) => existsSync(dir))).toEqual([]);
  }, 120_000);
});
