import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ScenarioRunResult } from "../../harness/assert/outcome-result.js";
import { findDifferences } from "../../harness/fidelity/backend-differences.js";
import { loadKnownDifferences, type KnownDifference } from "../../harness/fidelity/known-differences.js";

const result = (backend: string, actual: string, verdict: "passed" | "failed" = "passed", scenario = "auth/x", policy = "Always"): ScenarioRunResult => ({
  scenario,
  group: scenario.split("/")[0]!,
  policy,
  backend,
  expects: [{ stepIndex: 1, pod: "p", expected: "e", actual, verdict, reasons: [], finalState: { phase: "waiting", reason: "", message: "" } }],
  invariants: [],
  realDurationMs: 1,
  virtualDurationMs: 1,
});
const jitter: KnownDifference = {
  id: "retry-jitter",
  outcomes: ["waiting ErrImagePull", "waiting ImagePullBackOff"],
  kubelet: ["1.35.4"],
  why: "w",
  source: "s",
};

describe("differences between the simulation and kind", () => {
  it("finds cells whose final outcomes differ, and the documented entry that explains each", () => {
    const found = findDifferences(
      [
        result("sim", "waiting ErrImagePull"),
        result("kind", "waiting ImagePullBackOff"),
        result("sim", "running v1", "passed", "a/same"),
        result("kind", "running v1", "passed", "a/same"),
      ],
      [jitter],
    );
    expect(found.map((d) => [d.scenario, d.known?.id])).toEqual([["auth/x", "retry-jitter"]]);
  });

  it("leaves a difference no entry explains unexplained, and a verdict difference needs an entry that says so", () => {
    const other = findDifferences([result("sim", "running v1"), result("kind", "waiting ErrImagePull", "failed")], [jitter]);
    expect(other[0]!.known).toBeUndefined();
    const verdictsOnly = findDifferences([result("sim", "waiting ErrImagePull"), result("kind", "waiting ErrImagePull", "failed")], [jitter]);
    expect(verdictsOnly).toHaveLength(1);
    expect(verdictsOnly[0]!.known).toBeUndefined();
    const named = { ...jitter, scenarios: ["auth/*"], policies: ["Always"], verdictsDiffer: true };
    expect(findDifferences([result("sim", "waiting ErrImagePull"), result("kind", "waiting ErrImagePull", "failed")], [named])[0]!.known?.id).toBe(
      "retry-jitter",
    );
  });

  it("ignores a cell only one backend ran (kind skipped it)", () => {
    expect(findDifferences([result("sim", "running v1")], [jitter])).toEqual([]);
  });
});

describe("the documented differences file", () => {
  const dir = mkdtempSync(join(tmpdir(), "pullcheck-known-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the project's own list", () => {
    expect(loadKnownDifferences().map((d) => d.id)).toContain("retry-jitter");
  });

  it("says which entry and field is wrong, and how to fix it", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "- id: x\n  outcomes: running v1\n  kubelet: [1.35.4]\n  why: w\n  source: s\n  seen: yes\n");
    expect(() => loadKnownDifferences(file)).toThrow(/\[0\]\.seen.*unknown field seen[\s\S]*\[0\]\.outcomes.*must be a non-empty list of strings/);
  });
});
