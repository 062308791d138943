/**
 * The conformance catalogue: one test per scenario × policy × backend (named
 * "<scenario> [<Policy>]"), then one test that attaches the policy × scenario matrix.
 * What the run covers comes from PULLCHECK_RUN (set by `pullcheck run`); plain `vitest run`
 * runs every scenario under every policy on the simulation. Tests run `parallel` at a time, each
 * in an environment no other test uses meanwhile.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as allure from "allure-js-commons";
import { ContentType } from "allure-js-commons";
import { readRunConfig } from "../../harness/run/run-config.js";
import { loadCatalogue } from "../../harness/run/catalogue.js";
import { executeScenario } from "../../harness/run/execute-scenario.js";
import { startRunWorld } from "../../harness/run/start-run-world.js";
import { createWorldPool, type WorldPool } from "../../harness/run/world-pool.js";
import { cellVerdict, type ScenarioRunResult } from "../../harness/assert/outcome-result.js";
import { explainFailure } from "../../harness/run/explain-failure.js";
import { allureStep, attachRun, labelTest } from "../../harness/report/allure-test-report.js";
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from "../../harness/report/matrix.js";
import { globMatch } from "../../harness/cli/main.js";

const config = readRunConfig(process.env);
const catalogue = loadCatalogue(config);
const plan = catalogue.plan.filter((t) => !config.scenarioGlob || globMatch(config.scenarioGlob, t.scenario.id));
const results: ScenarioRunResult[] = [];

let worlds: WorldPool;

beforeAll(() => {
  worlds = createWorldPool(config.parallel, () => startRunWorld(catalogue.policies, config));
});

afterAll(async () => {
  await worlds?.close();
});

describe.concurrent("conformance", () => {
  for (const test of plan) {
    it(test.name, async (ctx) => {
      await labelTest({
        scenarioId: test.scenario.id,
        group: test.scenario.id.split("/")[0] ?? "scenarios",
        title: test.scenario.title ?? test.scenario.id,
        description: test.scenario.description ?? "",
        source: test.scenario.source,
        tags: test.scenario.tags ?? [],
        policy: test.policy.name,
        policySource: test.policy.source,
        backend: test.backend,
        scenarioFile: test.scenario.file,
        scenarioText: readFileSync(test.scenario.file, "utf8"),
      });
      const run = await worlds.withWorld((world) => executeScenario(test, world, allureStep));
      results.push(run.result);
      await saveResult(config.resultsDir, run.result);
      await attachRun(run.result, run.timeline.all(), run.start);
      const verdict = cellVerdict(run.result);
      if (verdict === "failed") ctx.expect.fail(explainFailure(run));
      if (verdict === "unspecified") ctx.skip(`no expected outcome for ${test.policy.name}: it ${run.result.expects.at(-1)?.actual ?? "ran"} (see the matrix)`);
    });
  }
});

describe("summary", () => {
  it("policy × scenario matrix", async () => {
    const order = catalogue.policies.map((p) => p.name);
    const matrix = buildMatrix(results, order);
    await allure.parentSuite("matrix");
    await allure.attachment("matrix.html", renderMatrixHtml(matrix), ContentType.HTML);
    await allure.attachment("matrix.md", renderMatrixMarkdown(matrix), ContentType.TEXT);
    expect(matrix.rows.length).toBe(new Set(results.map((r) => r.scenario)).size);
  });
});

async function saveResult(dir: string, result: ScenarioRunResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  const name = `${result.backend}--${result.policy}--${result.scenario.replace(/[^A-Za-z0-9._-]+/g, "_")}.json`;
  await writeFile(join(dir, name), `${JSON.stringify(result, null, 1)}\n`);
}
