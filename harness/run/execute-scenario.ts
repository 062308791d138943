/**
 * Runs one scenario under one policy on one backend: seeds the registry, makes the node, carries
 * out the steps in order (each as a report step), then checks the security invariants over the
 * whole timeline. The only module that knows every stage.
 */
import { Timeline } from "../observe/timeline.js";
import { checkInvariants } from "../assert/invariants/index.js";
import type { ScenarioRunResult } from "../assert/outcome-result.js";
import { describeUnmetExpectation } from "../assert/describe-unmet-expectation.js";
import { describeStep, performStep, stepLetsClockRun } from "../scenario/steps/index.js";
import type { PlannedTest } from "./planned-test.js";
import { RegistryLedger } from "./registry-ledger.js";
import { RequestFeed } from "./request-feed.js";
import type { RunWorld } from "./run-world.js";
import { createStepContext, type TestRecord } from "./step-context.js";

export interface ScenarioRun {
  result: ScenarioRunResult;
  timeline: Timeline;
  /** Clock time at the first step, for relative timestamps. */
  start: number;
}

/** Records one step of the scenario; the body answers with the unmet expectations it judged, if any. */
export type StepRecorder = (name: string, body: () => Promise<string | undefined>) => Promise<void>;

export async function executeScenario(test: PlannedTest, world: RunWorld, recordStep: StepRecorder): Promise<ScenarioRun> {
  const realStart = performance.now();
  const { scenario, policy } = test;
  const timeline = new Timeline();
  const clock = world.newClock();
  const start = clock.now();
  const registry = new RegistryLedger(world);
  const requests = new RequestFeed(world, timeline);
  const record: TestRecord = { pods: [], expects: [], stepIndex: 0 };
  await world.environment.reset();
  const resetDone = performance.now();
  await registry.seed(scenario.registry.users, scenario.registry.images);
  const node = await world.createNode({ clock, timeline, scenario, policies: world.policies, policy: policy.name });
  // A real node's preloading pulls through the gate: those requests are not the scenario's.
  await world.environment.flushRequests();
  requests.startCounting();
  timeline.feedFrom(() => requests.refresh(clock.now()));
  const setupDone = performance.now();
  const context = createStepContext({ policy: policy.name, world, node, clock, timeline, registry, requests, record });
  try {
    for (const [index, step] of scenario.steps.entries()) {
      record.stepIndex = index;
      timeline.add({ kind: "step", at: clock.now(), index, text: describeStep(step) });
      await recordStep(`${index + 1}. ${describeStep(step)}`, async () => {
        const judgedBefore = record.expects.length;
        const activity = stepLetsClockRun(step) ? undefined : clock.beginActivity(`step ${index + 1}`);
        try {
          await performStep(step, context);
        } finally {
          activity?.end();
        }
        const unmet = record.expects.slice(judgedBefore).filter((e) => e.verdict === "failed");
        return unmet.length > 0 ? unmet.map(describeUnmetExpectation).join("\n") : undefined;
      });
    }
    await world.environment.flushRequests();
    requests.refresh(clock.now());
  } finally {
    await node.close();
  }
  const stepsDone = performance.now();
  const invariants = checkInvariants({
    timeline,
    pods: record.pods,
    policies: world.policies,
    registryPrivate: registry.registryPrivate,
    contentVerified: (pod, imageID) => node.contentVerified(pod, imageID),
    knownDigests: world.knownDigests,
  });
  const testRequests = requests.testRequests();
  const result: ScenarioRunResult = {
    scenario: scenario.id,
    group: scenario.id.includes("/") ? scenario.id.slice(0, scenario.id.indexOf("/")) : "scenarios",
    policy: policy.name,
    backend: test.backend,
    expects: record.expects,
    invariants,
    realDurationMs: Math.round(performance.now() - realStart),
    virtualDurationMs: Math.round(clock.now() - start),
    timing: {
      resetMs: Math.round(resetDone - realStart),
      setupMs: Math.round(setupDone - resetDone),
      stepsMs: Math.round(stepsDone - setupDone),
      registryRequestsMs: testRequests.reduce((sum, r) => sum + r.durationMs, 0),
      registryBytes: testRequests.reduce((sum, r) => sum + r.bytes, 0),
    },
  };
  return { result, timeline, start };
}
