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
import { afterAll, describe, expect, it } from "vitest";
import * as allure from "allure-js-commons";
import { ContentType } from "allure-js-commons";
import { readRunConfig } from "../../harness/run/run-config.js";
import { loadCatalogue } from "../../harness/run/catalogue.js";
import { executeScenario } from "../../harness/run/execute-scenario.js";
import { startRunWorld, type StartedRunWorld } from "../../harness/run/start-run-world.js";
import { startKindWorld } from "../../harness/run/start-kind-world.js";
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

// One pool of worlds per backend: the simulation runs `parallel` tests at once; kind has one
// cluster and runs its tests one after the other, on the real clock.
const pools = new Map<string, WorldPool>();
function poolFor(backend: string): WorldPool {
  let pool = pools.get(backend);
  if (!pool) {
    const start = (): Promise<StartedRunWorld> =>
      backend === "kind" ? startKindWorld(catalogue.policies, config, config.kind!) : startRunWorld(catalogue.policies, config);
    pool = createWorldPool(backend === "kind" ? 1 : config.parallel, start);
    pools.set(backend, pool);
  }
  return pool;
}

afterAll(async () => {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
});

/** Why a test cannot run on its backend (a proposed policy the real kubelet does not know), if so. */
function unsupported(test: (typeof plan)[number]): string | undefined {
  if (test.backend !== "kind" || test.policy.kind !== "proposed") return undefined;
  if (config.kind?.supportedPolicies.includes(test.policy.name)) return undefined;
  return `the kubelet in ${config.kind?.nodeImage ?? "the node image"} does not know imagePullPolicy ${test.policy.name} (a node image declares support with the label dev.pullcheck.policies=${test.policy.name}; or pass --kind-policies ${test.policy.name})`;
}

const KIND_TEST_TIMEOUT_MS = 30 * 60_000;

describe.concurrent("conformance", () => {
  for (const test of plan) {
    it(test.name, test.backend === "kind" ? { timeout: KIND_TEST_TIMEOUT_MS } : {}, async (ctx) => {
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
      const reason = unsupported(test);
      if (reason) return ctx.skip(reason);
      const run = await poolFor(test.backend).withWorld(async (world) => {
        const outcome = await executeScenario(test, world, allureStep);
        if (world.exportLogs && cellVerdict(outcome.result) === "failed") {
          const target = join(config.resultsDir, "kind-logs", `${test.scenario.id.replace(/[^A-Za-z0-9._-]+/g, "_")}--${test.policy.name}`);
          await world.exportLogs(target).then(
            () => allure.attachment("kind logs", `kind export logs: ${target}`, ContentType.TEXT),
            (error: unknown) => allure.attachment("kind logs", `kind export logs failed: ${String(error)}`, ContentType.TEXT),
          );
        }
        return outcome;
      });
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
