/**
 * The conformance catalogue as vitest tests: one per planned scenario × policy × backend (named
 * "<scenario> [<Policy>]"), then one that attaches the policy × scenario matrix. What the run
 * covers comes from PULLCHECK_RUN (set by `pullcheck run`); plain `vitest run` runs every scenario
 * under every policy on the simulation. The run loop itself is harness/run/catalogue-run.ts.
 */
import { afterAll, expect, it } from "vitest";
import * as allure from "allure-js-commons";
import { ContentType } from "allure-js-commons";
import { readRunConfig } from "../../harness/run/run-config.js";
import { describeTest, startCatalogueRun } from "../../harness/run/catalogue-run.js";
import { cellVerdict } from "../../harness/assert/outcome-result.js";
import { explainFailure } from "../../harness/run/explain-failure.js";
import { EnvironmentError } from "../../harness/support/errors.js";
import { ScenarioFailure } from "../../harness/report/scenario-failure.js";
import { allureStep, attachRun, labelTest } from "../../harness/report/allure-test-report.js";
import { renderMatrixHtml, renderMatrixMarkdown } from "../../harness/report/matrix.js";

const config = readRunConfig(process.env);
const run = startCatalogueRun(config);
afterAll(() => run.close());
/** Tests the environment broke (an EnvironmentError): they have no cell in the matrix. */
const broken: string[] = [];

// Tests at the top level, not in a describe block: the report groups them by the labels
// labelTest gives (group, scenario, policy and backend), and a describe block would add a second
// place in the tree for each. Consecutive concurrent tests run together, the matrix after them.
for (const test of run.plan) {
  const timeout = run.timeoutMs(test);
  it.concurrent(test.name, timeout ? { timeout } : {}, async (ctx) => {
    await labelTest(describeTest(test, config));
    const reason = run.cannotRun(test);
    if (reason) return ctx.skip(reason);
    const outcome = await run.run(test, allureStep).catch((error: unknown) => {
      if (error instanceof EnvironmentError) broken.push(test.name);
      throw error;
    });
    if (outcome.logs) await allure.attachment("node logs", outcome.logs, ContentType.TEXT);
    await attachRun(outcome.result, outcome.timeline.all(), outcome.start);
    const verdict = cellVerdict(outcome.result);
    // Broken by the infrastructure, not by the outcome: the CLI reports it so (exit 3 when nothing else failed).
    if (verdict === "broken") {
      broken.push(test.name);
      throw new EnvironmentError(`the test could not be carried out: ${outcome.result.brokenBy}`);
    }
    if (verdict === "failed") throw new ScenarioFailure(explainFailure(outcome));
    if (verdict === "unspecified")
      ctx.skip(`no expected outcome for ${test.policy.name}: it ${outcome.result.expects.at(-1)?.actual ?? "ran"} (see the matrix)`);
  });
}

it("policy × scenario matrix", async (ctx) => {
  const matrix = run.matrix();
  await allure.parentSuite("matrix");
  await allure.suite("policy × scenario matrix");
  await allure.attachment("matrix.html", renderMatrixHtml(matrix), ContentType.HTML);
  await allure.attachment("matrix.md", renderMatrixMarkdown(matrix), ContentType.TEXT);
  if (broken.length > 0) ctx.skip(`the matrix lacks the ${broken.length} test${broken.length === 1 ? "" : "s"} the environment broke`);
  expect(matrix.rows.length).toBe(new Set(run.plan.filter((t) => !run.cannotRun(t)).map((t) => t.scenario.id)).size);
});
