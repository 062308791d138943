import { describe, expect, it } from "vitest";
import type { ScenarioRunResult } from "../../harness/assert/outcome-result.js";
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from "../../harness/report/matrix.js";

function result(scenario: string, policy: string, actual: string, verdict: "passed" | "failed" | "unspecified", backend = "sim"): ScenarioRunResult {
  return {
    scenario,
    group: scenario.split("/")[0]!,
    policy,
    backend,
    expects: [
      { stepIndex: 3, pod: "probe", expected: verdict === "unspecified" ? undefined : "running v1", actual, verdict, reasons: [], finalState: undefined },
    ],
    invariants: policy === "PullWithFallback" ? [{ id: "S3", title: "", verdict: "expectedViolation", details: [] }] : [],
    realDurationMs: 1,
    virtualDurationMs: 1,
  };
}

describe("buildMatrix", () => {
  it("should lay out scenarios × policies with the verdict and the actual outcome", () => {
    const matrix = buildMatrix(
      [
        result("outage/a", "Always", "waiting ImagePullBackOff", "failed"),
        result("outage/a", "PullWithFallback", "running v1", "passed"),
        result("outage/a", "Mine", "running v1", "unspecified"),
      ],
      ["Always", "IfNotPresent", "PullWithFallback", "Mine"],
    );
    expect(matrix.columns.map((c) => c.policy)).toEqual(["Always", "PullWithFallback", "Mine"]);
    const markdown = renderMatrixMarkdown(matrix);
    expect(markdown).toContain(
      "| outage/a | FAIL waiting ImagePullBackOff (expected running v1) | ok running v1 [S3 by definition] | unspecified running v1 |",
    );
  });

  it("should name the earlier expect step that failed when the final outcome held", () => {
    const twoSteps = result("registry/x", "Always", "running v2", "passed");
    twoSteps.expects.unshift({
      stepIndex: 1,
      pod: "warm",
      expected: "running v2",
      actual: "running v1",
      verdict: "failed",
      reasons: [],
      finalState: undefined,
    });
    const markdown = renderMatrixMarkdown(buildMatrix([twoSteps], ["Always"]));
    expect(markdown).toContain("| registry/x | FAIL step 2: running v1 (expected running v2); finally running v2 |");
  });

  it("should mark cells with words, never emoji", () => {
    const matrix = buildMatrix(
      [result("outage/a", "Always", "waiting ImagePullBackOff", "failed"), result("outage/a", "Mine", "running v1", "unspecified")],
      ["Always", "Mine"],
    );
    const emoji = /\p{Extended_Pictographic}/u;
    expect(renderMatrixMarkdown(matrix)).not.toMatch(emoji);
    expect(renderMatrixHtml(matrix)).not.toMatch(emoji);
  });

  it("should list every cell where two backends disagree", () => {
    const matrix = buildMatrix(
      [result("a/b", "Always", "running v1", "passed", "sim"), result("a/b", "Always", "waiting ErrImagePull", "failed", "kind")],
      ["Always"],
    );
    expect(matrix.disagreements).toEqual([{ scenario: "a/b", policy: "Always", outcomes: { sim: "running v1", kind: "waiting ErrImagePull" } }]);
    expect(matrix.columns).toEqual([
      { policy: "Always", backend: "kind" },
      { policy: "Always", backend: "sim" },
    ]);
    const markdown = renderMatrixMarkdown(matrix);
    expect(markdown).toContain("| a/b | FAIL waiting ErrImagePull (expected running v1) [≠] | ok running v1 [≠] |");
    expect(markdown).toContain("| a/b | Always | sim: running v1; kind: waiting ErrImagePull |");
    const agreeing = buildMatrix([result("a/b", "Always", "running v1", "passed", "sim"), result("a/b", "Always", "running v1", "passed", "kind")], ["Always"]);
    expect(renderMatrixMarkdown(agreeing)).toContain("| a/b | ok running v1 | ok running v1 |");
  });
});
