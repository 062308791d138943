/**
 * The report a reviewer reads, built from a real run of a scenario whose second step fails: the
 * failed step is red and carries expected / actual / why, each test sits once in the tree, the
 * category label and links are there, and the landing page names the failed step in words.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, pullcheck, type CliResult } from "../cli/pullcheck-process.js";
import { DEFAULT_KUBELET_VERSION } from "../../harness/node/sim/kubelet/kubelet-version.js";

interface AllureStep {
  name: string;
  status?: string;
  statusDetails?: { message?: string; trace?: string };
  steps?: AllureStep[];
}
interface AllureResult extends AllureStep {
  labels: Array<{ name: string; value: string }>;
  links: Array<{ url: string; name?: string }>;
}

const FIXTURE = join(ROOT, "tests", "fixtures", "scenarios", "failing", "earlier-step-fails.yaml");
const output = mkdtempSync(join(tmpdir(), "pullcheck-allure-report-test-"));
let run: CliResult;
let result: AllureResult;

beforeAll(() => {
  run = pullcheck(["run", FIXTURE, "--policy", "Always", "--output", output, "--report"]);
  const results = readdirSync(join(output, "allure-results"))
    .filter((f) => f.endsWith("-result.json"))
    .map((f) => JSON.parse(readFileSync(join(output, "allure-results", f), "utf8")) as AllureResult);
  result = results.find((r) => r.labels.some((l) => l.name === "policy" && l.value === "Always"))!;
}, 180_000);
afterAll(() => rmSync(output, { recursive: true, force: true }));

describe("the Allure report of a failed test", () => {
  it("should fail the run and make the failed expect step red, with expected, actual and why and no stack trace", () => {
    expect(run.code, run.out).toBe(1);
    const step = result.steps!.find((s) => s.name === "2. expect pod/warm")!;
    expect(step.status).toBe("failed");
    expect(step.statusDetails?.message).toMatch(/expected: running v2\n {2}actual: {3}running v1\n {2}why: /);
    expect(step.statusDetails?.trace ?? "").toBe("");
    expect(result.steps!.find((s) => s.name === "4. expect pod/again")!.status).toBe("passed");
    expect(result.statusDetails?.trace ?? "").toBe("");
  });

  it("should place the test once in the tree, in the category of an unexpected outcome, linked to the debate and its file", () => {
    const values = (name: string) => result.labels.filter((l) => l.name === name).map((l) => l.value);
    // A file given on its own is named after itself; a scenario without a folder is its own group.
    expect(values("parentSuite")).toEqual(["earlier-step-fails"]);
    expect(values("suite")).toEqual(["earlier-step-fails"]);
    expect(values("subSuite")).toEqual(["Always (sim)"]);
    expect(values("failure")).toEqual(["outcome"]);
    expect(result.links.map((l) => l.url)).toEqual([
      "https://github.com/kubernetes/enhancements/issues/5497",
      "https://github.com/kubernetes/kubernetes/issues/111822",
      `file://${FIXTURE}`,
    ]);
  });

  it("should open on the matrix, which names the failed step in words, and link both Allure views", () => {
    const landing = readFileSync(join(output, "index.html"), "utf8");
    expect(landing).toContain("FAIL step 2: running v1 (expected running v2); finally running v1");
    expect(landing).not.toMatch(/\p{Extended_Pictographic}/u);
    for (const view of ["awesome", "by-policy"]) {
      expect(landing).toContain(`allure-report/${view}/index.html`);
      expect(existsSync(join(output, "allure-report", view, "index.html"))).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(output, "results", "run.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ simulatedKubelet: DEFAULT_KUBELET_VERSION, backends: ["sim"], registry: "v3.1.2", toxiproxy: "v2.12.0" });
  });
});
