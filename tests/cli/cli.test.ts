import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLE = join(ROOT, "tests", "fixtures", "scenarios", "valid", "format-page-example.yaml");
const output = mkdtempSync(join(tmpdir(), "pullcheck-cli-test-"));
afterAll(() => rmSync(output, { recursive: true, force: true }));

function pullcheck(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "pullcheck.mjs"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", PULLCHECK_RUN: "" },
    timeout: 120_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("pullcheck CLI", () => {
  it("should exit 2 with every problem, and no stack trace, for bad scenario files", () => {
    const { code, out } = pullcheck("validate", join(ROOT, "tests", "fixtures", "scenarios", "invalid"));
    expect(code).toBe(2);
    expect(out).toContain("invalid-unknown-fault.yaml");
    expect(out).toContain("hint:");
    expect(out).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it("should take every --scenario given, and refuse an unknown backend naming the known ones", () => {
    const listed = pullcheck("list", "scenarios", "--policy", "Always", "--scenario", "outage/cached-tag", "--scenario", "auth/*");
    expect(listed.code).toBe(0);
    const names = listed.out.trim().split("\n");
    expect(names).toContain("outage/cached-tag [Always]");
    expect(names.filter((n) => n.startsWith("auth/")).length).toBeGreaterThan(1);
    expect(names.every((n) => n === "outage/cached-tag [Always]" || n.startsWith("auth/"))).toBe(true);
    const unknown = pullcheck("list", "scenarios", "--backend", "minikube");
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown backend minikube");
    expect(unknown.out).toMatch(/sim .*sim-containers .*kind/s);
  });

  it("should exit 2 for an unknown policy or command", () => {
    expect(pullcheck("run", EXAMPLE, "--policy", "Sometimes").code).toBe(2);
    expect(pullcheck("frobnicate").code).toBe(2);
  });

  it("should exit 2 with the flag and a hint for bad fleet or run options", () => {
    const missing = pullcheck("fleet", "--policy", "Always");
    expect(missing.code).toBe(2);
    expect(missing.out).toContain("--nodes");
    const unknown = pullcheck("fleet", "--nodes", "3", "--policy", "Sometimes");
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown policy Sometimes");
    for (const nodes of ["10001", "0", "1e3"]) {
      const tooMany = pullcheck("fleet", "--nodes", nodes, "--policy", "Always");
      expect(tooMany.code, nodes).toBe(2);
      expect(tooMany.out).toContain(`--nodes: "${nodes}" is not a whole number from 1 to 10000`);
    }
    const report = pullcheck("fleet", "--nodes", "3", "--policy", "Always", "--report", "/proc/pullcheck-fleet");
    expect(report.code, report.out).toBe(2);
    expect(report.out).toContain("--report: cannot write /proc/pullcheck-fleet");
    for (const value of ["zero", "1e1", "4.0"]) {
      const parallel = pullcheck("list", EXAMPLE, "--parallel", value);
      expect(parallel.code, value).toBe(2);
      expect(parallel.out).toContain(`--parallel: "${value}" is not a number of tests between 1 and 32, written in digits`);
    }
    const calls = pullcheck("list", EXAMPLE, "--backend", "kind", "--kubelet-calls", "/tmp/x");
    expect(calls.code, calls.out).toBe(2);
    expect(calls.out).toContain("--kubelet-calls: only the simulation logs its kubelet's calls");
  });

  it("should exit 2 at once, before any test, for an --output it cannot write", () => {
    for (const [dir, why] of [
      ["/proc/pullcheck-output", "ENOENT"],
      [join(EXAMPLE, "inside-a-file"), "ENOTDIR"],
    ] as const) {
      const { code, out } = pullcheck("run", EXAMPLE, "--policy", "Always", "--output", dir!);
      expect(code, out).toBe(2);
      expect(out).toMatch(new RegExp(`--output: cannot (write|empty) ${dir}/results: ${why}`));
      expect(out).not.toContain("PASSED");
    }
  });

  it("should exit 2 for a folder with no scenario in it and for a FIFO, without waiting", () => {
    const fifo = join(output, "waiting.yaml");
    spawnSync("mkfifo", [fifo]);
    const empty = mkdtempSync(join(output, "empty-"));
    const { code, out } = pullcheck("validate", fifo, empty);
    expect(code).toBe(2);
    expect(out).toContain(`${fifo}: not a regular file (a FIFO)`);
    expect(out).toContain(`${empty}: the folder holds no *.yaml or *.yml file`);
  });

  it("should run the format page's example verbatim: 0 when the outcomes hold, 1 when one differs", () => {
    const passing = pullcheck("run", EXAMPLE, "--policy", "IfNotPresent", "--output", output);
    expect(passing.code, passing.out).toBe(0);
    // The example's registry is private and its warm pod has no pull secret: Always cannot start it.
    const failing = pullcheck("run", EXAMPLE, "--policy", "Always", "--output", output);
    expect(failing.code).toBe(1);
    expect(failing.out).toContain("ErrImagePull");
    // Each run empties its folders first: only the second run's result is left.
    expect(readdirSync(join(output, "results"))).toEqual(["run.json", "sim--Always--outage_cached-tag.json"]);
  });
});
