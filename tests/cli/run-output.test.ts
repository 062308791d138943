import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TestCase, TestModule } from "vitest/node";
import { formatAnnotation, formatTestLine, renderSummaryTable } from "../../harness/cli/line-reporter.js";
import { ProgressReporter } from "../../harness/cli/progress-reporter.js";
import type { RunSummary } from "../../harness/cli/run-summary.js";
import type { FinishedTest } from "../../harness/cli/test-verdicts.js";
import { EXAMPLE, pullcheck } from "./pullcheck-process.js";

const output = mkdtempSync(join(tmpdir(), "pullcheck-run-output-test-"));
afterAll(() => rmSync(output, { recursive: true, force: true }));

const test = (backend: string, verdict: FinishedTest["verdict"], reason?: string): FinishedTest => ({
  name: `outage/cached-tag [Always] (${backend})`,
  scenario: "outage/cached-tag",
  policy: "Always",
  backend,
  verdict,
  durationMs: 2345,
  ...(reason ? { reason } : {}),
});

describe("output without a terminal", () => {
  it("should print a line per test with its verdict, scenario, policy, backend and duration, and why below it", () => {
    expect(formatTestLine(test("kind", "passed"), 3, 40)).toBe("[3/40] PASSED  outage/cached-tag [Always] on kind (2.35 s)");
    expect(formatTestLine(test("sim", "failed", "step 2 expect pod/warm\n  expected: running v1"), 4, 40)).toBe(
      "[4/40] FAILED  outage/cached-tag [Always] on sim (2.35 s)\n    step 2 expect pod/warm\n      expected: running v1",
    );
    expect(formatTestLine(test("kind", "skipped", "longer than 15 minutes of real time\nmore"), 5, 40)).toBe(
      "[5/40] SKIPPED outage/cached-tag [Always] on kind (2.35 s)\n    longer than 15 minutes of real time",
    );
  });

  it("should write a failed test as a GitHub Actions annotation, its explanation on escaped lines", () => {
    expect(formatAnnotation(test("kind", "failed", "step 2 expect pod/warm\n  expected: 100% running v1"))).toBe(
      "::error title=outage/cached-tag [Always] on kind%3A failed::step 2 expect pod/warm%0A  expected: 100%25 running v1",
    );
  });

  it("should end with passed/failed/skipped/broken per backend, and for all when there are several", () => {
    const table = renderSummaryTable([test("sim", "passed"), test("sim", "failed"), test("kind", "broken"), test("kind", "skipped"), test("sim", "passed")]);
    expect(table.split("\n")).toEqual([
      "backend   passed   failed  skipped   broken",
      "sim            2        1        0        0",
      "kind           0        0        1        1",
      "all            2        1        1        1",
    ]);
  });
});

describe("pullcheck run --output, -o json, --junit, --report; pullcheck report --output", () => {
  it("should list the planned tests as JSON", () => {
    const listed = pullcheck(["list", EXAMPLE, "-o", "json", "--backend", "sim", "--backend", "sim-containers", "--policy", "Always"]);
    expect(listed.code, listed.out).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      tests: ["sim", "sim-containers"].map((backend) => ({
        name: `outage/cached-tag [Always] (${backend})`,
        scenario: "outage/cached-tag",
        policy: "Always",
        backend,
        file: "tests/fixtures/scenarios/valid/format-page-example.yaml",
      })),
    });
    expect(pullcheck(["list", EXAMPLE, "-o", "yaml"]).code).toBe(2);
  });

  it("should write JSON on stdout, progress on stderr, JUnit XML and the report into the --output folder, and start afresh each run", () => {
    const junit = join(output, "junit.xml");
    const first = pullcheck(["run", EXAMPLE, "--policy", "IfNotPresent", "--output", output, "-o", "json", "--junit", junit, "--report"]);
    expect(first.code, first.out).toBe(0);
    const summary = JSON.parse(first.stdout) as RunSummary;
    expect(summary).toMatchObject({
      exitCode: 0,
      resultsDir: join(output, "results"),
      totals: { sim: { passed: 1, failed: 0, skipped: 0, broken: 0 } },
      tests: [{ scenario: "outage/cached-tag", policy: "IfNotPresent", backend: "sim", verdict: "passed", outcome: "running v1" }],
      errors: [],
    });
    expect(first.stderr).toMatch(/^\[1\/1\] PASSED {2}outage\/cached-tag \[IfNotPresent\] on sim \(\d+\.\d+ s\)$/m);
    expect(readFileSync(junit, "utf8")).toMatch(/<testcase [^>]*name="outage\/cached-tag \[IfNotPresent\]"/);
    expect(readFileSync(join(output, "matrix.md"), "utf8")).toContain("IfNotPresent");
    expect(existsSync(join(output, "allure-report", "index.html"))).toBe(true);
    const firstAllure = readdirSync(join(output, "allure-results"));

    const second = pullcheck(["run", EXAMPLE, "--policy", "Always", "--output", output, "-o", "json"]);
    expect(second.code).toBe(1);
    const failed = JSON.parse(second.stdout) as RunSummary;
    expect(failed.tests).toMatchObject([{ policy: "Always", verdict: "failed" }]);
    expect(failed.tests[0]!.expects).toContainEqual({ step: 2, pod: "warm", expected: "running v1", actual: "waiting ImagePullBackOff", verdict: "failed" });
    expect(readdirSync(join(output, "results"))).toEqual(["run.json", "sim--Always--outage_cached-tag.json"]);
    expect(readdirSync(join(output, "allure-results")).filter((f) => firstAllure.includes(f))).toEqual([]);

    const report = pullcheck(["report", "--output", output]);
    expect(report.code, report.out).toBe(0);
    const matrix = readFileSync(join(output, "matrix.md"), "utf8");
    expect(matrix).toContain("Always");
    expect(matrix).not.toContain("IfNotPresent");
    expect(pullcheck(["report", "--output", join(output, "nothing-here")]).code).toBe(2);
  });
});

describe("output on a terminal", () => {
  it("should rewrite one progress line, then show what failed or broke and the table per backend", () => {
    let written = "";
    const out = { columns: 200, write: (text: string) => (written += text) } as unknown as NodeJS.WriteStream;
    const reporter = new ProgressReporter("sim", out);
    const fake = (name: string, result: unknown) => ({ name, result: () => result, diagnostic: () => ({ duration: 10 }) }) as unknown as TestCase;
    reporter.onTestModuleCollected({
      children: { allTests: () => [{ name: "a/b [Always]" }, { name: "a/b [Never]" }, { name: "matrix" }] },
    } as unknown as TestModule);
    reporter.onTestCaseResult(fake("a/b [Always]", { state: "passed", errors: [] }));
    reporter.onTestCaseResult(fake("a/b [Never]", { state: "failed", errors: [{ name: "EnvironmentError", message: "registry is missing" }] }));
    reporter.onTestRunEnd();
    expect(written).toContain("\r\x1b[K[2/2] 1 passed, 0 failed, 0 skipped, 1 broken — a/b [Never]");
    expect(written).toContain("⚠ broken: a/b [Never]\n    registry is missing\n");
    expect(written).toMatch(/^sim +1 +0 +0 +1$/m);
  });
});
