import { describe, expect, it } from "vitest";
import type { ScenarioRunResult } from "../../harness/assert/outcome-result.js";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import { renderPolicyDocs } from "../../harness/report/policy-docs.js";

function result(policy: string, verdict: "held" | "violated"): ScenarioRunResult {
  return {
    scenario: "credentials/other-user-outage-never-verify",
    group: "credentials",
    policy,
    backend: "sim",
    expects: [],
    invariants: [{ id: "S4", title: "Fallback never widens access", verdict, details: [] }],
    realDurationMs: 1,
    virtualDurationMs: 1,
  };
}

const rowOf = (text: string, policy: string) => text.split("\n").find((line) => line.startsWith(`| ${policy} | `) && line.includes("held"));

describe("docs/policies.md from the definitions and the last run", () => {
  it("should mark a promise of a candidate's definition that the run broke", () => {
    const text = renderPolicyDocs(builtinPolicies(), [result("SafeFallback", "violated"), result("IfNewerNotPresent", "held")]);
    expect(rowOf(text, "SafeFallback")).toContain("0 held, **1 violated** (**promised by its definition**)");
    expect(rowOf(text, "IfNewerNotPresent")).toContain("1 held");
    expect(rowOf(text, "IfNewerNotPresent")).not.toContain("promised");
  });
});
