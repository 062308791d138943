import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TestCase } from "vitest/node";
import { EXIT, exitCodeOf } from "../../harness/cli/exit-codes.js";
import { finishedTest, parseTestName, runExitCode, type FinishedTest } from "../../harness/cli/test-verdicts.js";
import { EnvironmentError, InputError } from "../../harness/support/errors.js";
import { EXAMPLE, ROOT, pullcheck } from "./pullcheck-process.js";

const scratch = mkdtempSync(join(tmpdir(), "pullcheck-exit-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cell = (verdict: FinishedTest["verdict"]): FinishedTest => ({
  name: "a/b [Always]",
  scenario: "a/b",
  policy: "Always",
  backend: "sim",
  verdict,
  durationMs: 1,
});
const fakeCase = (name: string, result: unknown) => ({ name, result: () => result, diagnostic: () => ({ duration: 1234.4 }) }) as unknown as TestCase;

describe("exit codes", () => {
  it("should map input to 2, the environment to 3, anything else to 1", () => {
    expect(exitCodeOf(new InputError([{ message: "bad" }]))).toBe(2);
    expect(exitCodeOf(new EnvironmentError("no Docker"))).toBe(3);
    expect(exitCodeOf(new Error("a bug"))).toBe(1);
  });

  it("should judge a run: a differing outcome beats a broken test, which beats passing", () => {
    expect(runExitCode([cell("passed"), cell("skipped")], [])).toBe(EXIT.ok);
    expect(runExitCode([cell("passed"), cell("broken")], [])).toBe(EXIT.environment);
    expect(runExitCode([cell("failed"), cell("broken")], [])).toBe(EXIT.failed);
    expect(runExitCode([cell("passed")], [{ name: "EnvironmentError", message: "kind cluster could not be created" }])).toBe(EXIT.environment);
    expect(runExitCode([cell("broken")], [{ name: "TypeError", message: "a bug in a hook" }])).toBe(EXIT.failed);
  });

  it("should call a test broken only when every error it failed with is the environment's", () => {
    const env = { name: "EnvironmentError", message: "registry is missing" };
    const assertion = { name: "AssertionError", message: "expected running v1" };
    expect(finishedTest(fakeCase("a/b [Always]", { state: "failed", errors: [env] }), "sim")).toMatchObject({ verdict: "broken", durationMs: 1234 });
    expect(finishedTest(fakeCase("a/b [Always] (kind)", { state: "failed", errors: [env, assertion] }), "sim")).toMatchObject({
      verdict: "failed",
      backend: "kind",
    });
    expect(finishedTest(fakeCase("a/b [Never]", { state: "skipped", note: "no expected outcome" }), "sim")).toMatchObject({
      verdict: "skipped",
      reason: "no expected outcome",
    });
    expect(parseTestName("outage/cached-tag [IfNotPresent] (sim-containers)", "sim")).toEqual({
      scenario: "outage/cached-tag",
      policy: "IfNotPresent",
      backend: "sim-containers",
    });
    expect(parseTestName("policy × scenario matrix", "sim")).toBeUndefined();
  });

  it("should exit 3, with the test shown as broken, when the environment breaks every test", () => {
    // Container mode with a Docker engine that cannot answer: each test breaks, no outcome differs.
    const result = pullcheck(["run", EXAMPLE, "--policy", "IfNotPresent", "--containers", "--output", join(scratch, "broken")], {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    });
    expect(result.code, result.out).toBe(3);
    expect(result.stdout).toMatch(/^\[1\/1\] BROKEN {2}outage\/cached-tag \[IfNotPresent\] on sim \(/m);
    expect(result.stdout).toContain("Docker");
    expect(result.stdout).toMatch(/^sim +0 +0 +0 +1$/m);
  });
});

describe("make targets", () => {
  // A stand-in for the CLI that exits with FAKE_<COMMAND> (0 when unset).
  const fake = join(scratch, "fake-pullcheck.sh");
  writeFileSync(fake, 'var="FAKE_${1^^}"; echo "fake pullcheck $1"; exit "${!var:-0}"\n');
  const make = (target: string, codes: Record<string, number>) => {
    const { MAKEFLAGS: _flags, MAKELEVEL: _level, MFLAGS: _mflags, ...outer } = process.env;
    const env = { ...outer, ...Object.fromEntries(Object.entries(codes).map(([k, v]) => [`FAKE_${k.toUpperCase()}`, String(v)])) };
    const args = [
      "--no-print-directory",
      "-o",
      "setup-kind",
      "-o",
      "images",
      "NODE_IMAGE=any",
      `PULLCHECK=bash ${fake}`,
      `KIND_SMOKE_OUTPUT=${join(scratch, "smoke")}`,
      `FORK_SMOKE_OUTPUT=${join(scratch, "fork-smoke")}`,
      // fork-smoke builds its node image with a recursive make first: not here.
      "MAKE=true",
      target,
    ];
    const result = spawnSync("make", args, { cwd: ROOT, encoding: "utf8", env });
    // make exits 2 whenever a recipe fails and names the recipe's own code as "Error N".
    return result.status === 0 ? 0 : Number(/\] Error (\d+)/.exec(result.stderr)?.[1] ?? -1);
  };

  it.each([
    ["conformance", { run: 0, report: 0 }, 0],
    ["conformance", { run: 3, report: 0 }, 3],
    ["conformance", { run: 1, report: 3 }, 1],
    ["conformance", { run: 0, report: 3 }, 3],
    ["conformance-kind", { run: 0, report: 0, differences: 1 }, 1],
    ["conformance-kind", { run: 3, report: 0, differences: 2 }, 3],
    ["conformance-kind", { run: 2, report: 3, differences: 2 }, 2],
    ["kind-smoke", { run: 0, differences: 0 }, 0],
    ["kind-smoke", { run: 0, differences: 1 }, 1],
    ["kind-smoke", { run: 3, differences: 2 }, 3],
    ["fork-smoke", { run: 0, differences: 1 }, 1],
    ["fork-smoke", { run: 3, differences: 2 }, 3],
  ])("make %s with exit codes %o should end with %i", (target, codes, expected) => {
    expect(make(target, codes)).toBe(expected);
  });
});
