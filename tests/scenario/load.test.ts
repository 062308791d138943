import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFiles } from "../../harness/scenario/load.js";
import type { ValidationContext } from "../../harness/scenario/scenario.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "scenarios");
const context: ValidationContext = {
  knownPolicies: [
    "Always",
    "IfNotPresent",
    "Never",
    "PullWithFallback",
    "IfNewerNotPresent",
    "IfNewerNotPresentPrototype",
    "SafeFallback",
    "IfNotPresentOrStale",
  ],
  knownVariants: ["v1", "v2", "v3", "fat", "multiarch", "v1-docker"],
  scenariosRoot: FIXTURES,
};
const expected = JSON.parse(readFileSync(join(FIXTURES, "invalid", "expected.json"), "utf8")) as Record<string, { path: string | null; message: string }>;

describe("loadScenarioFiles", () => {
  it("should load the format page's example verbatim into the model", () => {
    const { scenarios, problems } = loadScenarioFiles([join(FIXTURES, "valid", "format-page-example.yaml")], context);
    expect(problems).toEqual([]);
    const [scenario] = scenarios;
    expect(scenario?.id).toBe("outage/cached-tag");
    expect(scenario?.policies).toEqual(["Always", "IfNotPresent", "Never", "IfNewerNotPresent"]);
    expect(scenario?.registry).toEqual({ users: { alice: "s3cret" }, images: [{ repo: "app", tag: "latest", variant: "v1" }] });
    expect(scenario?.node).toEqual({
      preloaded: ["app:latest"],
      config: { serializeImagePulls: true, imagePullCredentialsVerificationPolicy: "NeverVerifyPreloadedImages" },
    });
    expect(scenario?.steps.map((s) => s.kind)).toEqual(["run", "expect", "push", "fault", "run", "expect"]);
    const last = scenario?.steps[5];
    expect(last?.kind === "expect" && last.default).toEqual({ waiting: "ImagePullBackOff" });
    expect(last?.kind === "expect" && last.perPolicy.IfNewerNotPresent).toEqual({ running: "v1", events: ["ImagePullFallback"] });
  });

  it("should load the whole catalogue without a problem", () => {
    const root = join(import.meta.dirname, "..", "..", "scenarios");
    const { scenarios, problems } = loadScenarioFiles([root], { ...context, scenariosRoot: root });
    expect(problems).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    for (const scenario of scenarios) expect(scenario.description, scenario.id).toBeTruthy();
  });

  it("should report every problem of a file at once", () => {
    const { problems } = loadScenarioFiles(
      [join(FIXTURES, "invalid", "invalid-outcome-unknown-policy.yaml"), join(FIXTURES, "invalid", "invalid-bad-duration.yaml")],
      context,
    );
    expect(problems.map((p) => p.path)).toEqual(["spec.steps[1].expect.IfNewer", "spec.steps[0].wait"]);
  });

  it.each(Object.entries(expected))("should reject invalid-%s.yaml with its file, field path, message and a hint", (name, want) => {
    const file = join(FIXTURES, "invalid", `invalid-${name}.yaml`);
    const { scenarios, problems } = loadScenarioFiles([file], context);
    expect(scenarios).toEqual([]);
    const problem = problems.find((p) => (want.path === null ? true : p.path === want.path));
    expect(problem, JSON.stringify(problems, null, 1)).toBeDefined();
    expect(problem!.file).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(:\\d+:\\d+)?$`));
    expect(problem!.message).toContain(want.message);
    expect(problem!.hint ?? "").not.toBe("");
  });
});

describe("loading a scenario file made to exhaust the loader", () => {
  const work = mkdtempSync(join(tmpdir(), "pullcheck-load-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const head = 'apiVersion: pullcheck/v1alpha1\nkind: Scenario\nspec:\n  registry: {images: {"app:v1": v1}}\n  steps:\n';

  it("should list the first fifty problems of a file and count the rest", () => {
    const file = join(work, "unknown-fields.yaml");
    const fields = Array.from({ length: 20_000 }, (_, i) => `f${i}: 1`).join(", ");
    writeFileSync(file, `${head}    - run: {pod: a, image: app:v1, ${fields}}\n`);
    const { problems } = loadScenarioFiles([file], context);
    expect(problems).toHaveLength(51);
    expect(problems[0]).toMatchObject({ path: "spec.steps[0].run.f0", message: 'unknown field "f0" in run' });
    expect(problems.at(-1)).toMatchObject({ file, message: "and 19950 more problems in this file" });
  });

  it("should echo a few characters of a long bad value and say how long it was", () => {
    const file = join(work, "long-value.yaml");
    writeFileSync(file, `${head}    - wait: ${"9".repeat(100_000)}s\n`);
    const [problem] = loadScenarioFiles([file], context).problems;
    expect(problem?.path).toBe("spec.steps[0].wait");
    expect(problem?.message).toContain("… (100003 characters)");
    expect(problem!.message.length).toBeLessThan(200);
  });
});
