/**
 * The run loop: plan → a pool of worlds per backend → execute each planned test → save its result.
 * Test runners (the vitest catalogue file) only turn planned tests into their own tests.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../support/repo-root.js";
import { cellVerdict, type ScenarioRunResult } from "../assert/outcome-result.js";
import type { RunDescription } from "../report/allure-test-report.js";
import { buildMatrix, type Matrix } from "../report/matrix.js";
import { errorMessage } from "../support/errors.js";
import { fileSafe } from "../support/file-safe.js";
import { backendNamed, type Backend } from "./backends/index.js";
import { loadCatalogue, type Catalogue } from "./catalogue.js";
import { executeScenario, type ScenarioRun, type StepRecorder } from "./execute-scenario.js";
import type { PlannedTest } from "./planned-test.js";
import type { RunConfig } from "./run-config.js";
import { writeRunManifest } from "../report/run-manifest.js";
import { createWorldPool, type WorldPool } from "./world-pool.js";

export interface TestRun extends ScenarioRun {
  /** Where a failed test's node logs were saved, or why they could not be. */
  logs?: string;
}

export interface CatalogueRun {
  readonly catalogue: Catalogue;
  readonly plan: PlannedTest[];
  /** Why the test's backend cannot run it (it is reported as skipped, with this reason). */
  cannotRun(test: PlannedTest): string | undefined;
  /** The test's time limit, when its backend needs a longer one than the test runner's default. */
  timeoutMs(test: PlannedTest): number | undefined;
  /** Runs the test in a world of its backend that no other test holds meanwhile, and saves its result. */
  run(test: PlannedTest, recordStep: StepRecorder): Promise<TestRun>;
  /** The policy × scenario matrix of every result so far. */
  matrix(): Matrix;
  /** Stops every world. */
  close(): Promise<void>;
}

/** A scenario written for some kubelet releases, on a backend whose release is another (an unknown release runs it). */
function otherKubeletRelease(test: PlannedTest, backend: Backend, config: RunConfig): string | undefined {
  const releases = test.scenario.kubeletVersions;
  const release = backend.kubeletRelease(config);
  if (!releases || !release || releases.includes(release)) return undefined;
  return `its expectations hold for kubelet ${releases.join(", ")} (spec.kubeletVersions), and this ${backend.name} node runs kubelet ${release}`;
}

export function startCatalogueRun(config: RunConfig): CatalogueRun {
  const catalogue = loadCatalogue(config);
  writeRunManifest(config);
  const results: ScenarioRunResult[] = [];
  const pools = new Map<string, WorldPool>();
  const backendOf = (test: PlannedTest): Backend => backendNamed(test.backend)!;
  const poolFor = (backend: Backend): WorldPool => {
    let pool = pools.get(backend.name);
    if (!pool) {
      pool = createWorldPool(backend.concurrency(config), () => backend.start(catalogue.policies, config));
      pools.set(backend.name, pool);
    }
    return pool;
  };
  return {
    catalogue,
    plan: longestFirst(catalogue.plan, (test) => backendOf(test).realTimeMs?.(test) ?? 0),
    cannotRun: (test) => otherKubeletRelease(test, backendOf(test), config) ?? backendOf(test).cannotRun(test, config),
    timeoutMs: (test) => backendOf(test).testTimeoutMs,
    async run(test, recordStep) {
      const run = await poolFor(backendOf(test)).withWorld(async (world): Promise<TestRun> => {
        const outcome = await executeScenario(test, world, recordStep);
        if (!world.exportLogs || cellVerdict(outcome.result) !== "failed") return outcome;
        const target = join(config.resultsDir, `${test.backend}-logs`, `${fileSafe(test.scenario.id)}--${test.policy.name}`);
        const logs = await world.exportLogs(target).then(
          () => `${test.backend} node logs: ${target}`,
          (error: unknown) => `${test.backend} node logs could not be saved: ${errorMessage(error)}`,
        );
        return { ...outcome, logs };
      });
      results.push(run.result);
      await saveResult(config.resultsDir, run.result);
      return run;
    },
    matrix: () =>
      buildMatrix(
        results,
        catalogue.policies.map((p) => p.name),
      ),
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

/** What the report says about a planned test before it runs: its scenario, policy and backend. */
export function describeTest(test: PlannedTest, config: RunConfig): RunDescription {
  const inRepository = relative(REPO_ROOT, test.scenario.file);
  const scenarioUrl =
    config.sourceBaseUrl && !inRepository.startsWith("..") ? new URL(inRepository, config.sourceBaseUrl).href : pathToFileURL(test.scenario.file).href;
  return {
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
    scenarioUrl,
    scenarioText: readFileSync(test.scenario.file, "utf8"),
  };
}

async function saveResult(dir: string, result: ScenarioRunResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${result.backend}--${result.policy}--${fileSafe(result.scenario)}.json`), `${JSON.stringify(result, null, 1)}\n`);
}

/** The plan with the tests that take the most real time first, otherwise in its own order (a stable sort). */
function longestFirst(plan: PlannedTest[], realTimeMs: (test: PlannedTest) => number): PlannedTest[] {
  return plan
    .map((test, index) => ({ test, index, ms: realTimeMs(test) }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map(({ test }) => test);
}
