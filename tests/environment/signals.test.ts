import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../harness/support/repo-root.js";

function children(pid: number): number[] {
  const out = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  return spawnSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim() || String(pid);
}

function listening(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.replace("http://", "").split(":");
  return new Promise((resolve) => {
    const socket = connect(Number(port), host!, () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

describe("cleanup on signals", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("should leave no process, port or temp dir behind after %s", async (signal) => {
    // The child's own temp root, so environments of tests running beside this one do not count.
    const tempRoot = mkdtempSync(join(tmpdir(), "pullcheck-signals-test-"));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "tests", "environment", "child-runner.ts"), join(REPO_ROOT, ".tools", "bin"), tempRoot],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const ready = await new Promise<{ endpoint: string; registryUrl: string }>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          const line = chunk
            .toString()
            .split("\n")
            .find((l) => l.startsWith("{"));
          if (line) resolve(JSON.parse(line));
        });
        child.once("exit", (code) => reject(new Error(`child exited early with ${code}`)));
      });
      const started = children(child.pid!);
      const dirs = readdirSync(tempRoot);
      expect(started.length).toBeGreaterThanOrEqual(2);
      expect(dirs).toHaveLength(1);
      expect(await listening(ready.endpoint)).toBe(true);

      child.kill(signal);
      await new Promise((resolve) => child.once("exit", resolve));

      // Killed processes are reaped by init a moment after their parent is gone.
      for (let i = 0; i < 50 && started.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(started.filter(alive).map(commandOf)).toEqual([]);
      expect(await listening(ready.endpoint)).toBe(false);
      expect(await listening(ready.registryUrl)).toBe(false);
      expect(readdirSync(tempRoot)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        // A failed assertion above must not leave the child's environment running.
        child.kill("SIGTERM");
        await new Promise((resolve) => setTimeout(resolve, 3_000).unref() && child.once("exit", resolve));
      }
      rmSync(tempRoot, { recursive: true, force: true });
    }
  });
});
