/**
 * Runs one scenario under one policy on one backend: prepares the registry and the node, carries
 * out the steps in order (each as a report step), waits for and judges every expectation, then
 * checks the security invariants over the whole timeline. The only module that knows every stage.
 */
import { createHash } from "node:crypto";
import { formatDuration } from "../support/duration.js";
import { describeFault } from "../faults/fault-spec.js";
import { Timeline } from "../observe/timeline.js";
import { checkInvariants, type PodFacts } from "../assert/check-invariants.js";
import { describeState, type OutcomeSpec } from "../assert/match-outcome.js";
import type { ExpectResult, ScenarioRunResult } from "../assert/outcome-result.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import type { NodeUnderTest } from "../node/node-under-test.js";
import type { Scenario, Step, Outcome } from "../scenario/types.js";
import type { PlannedTest } from "./catalogue.js";
import { awaitOutcome, awaitSettled } from "./await-outcome.js";
import { describeOutcome, describeStep } from "./describe.js";
import { podImage, storeName } from "./image-names.js";
import type { RunWorld } from "./run-world.js";

export interface ScenarioRun {
  result: ScenarioRunResult;
  timeline: Timeline;
  /** Clock time at the first step, for relative timestamps. */
  start: number;
}

export type StepRecorder = <T>(name: string, body: () => Promise<T>) => Promise<T>;

export async function executeScenario(test: PlannedTest, world: RunWorld, recordStep: StepRecorder): Promise<ScenarioRun> {
  const realStart = performance.now();
  const { scenario, policy } = test;
  const timeline = new Timeline();
  const clock = world.newClock();
  const start = clock.now();
  const state = new RunState(scenario, policy, world, timeline);
  await world.environment.reset();
  const resetDone = performance.now();
  await state.prepareRegistry();
  const node = await world.createNode({ clock, timeline, scenario, policies: world.policies });
  // A real node's preloading pulls through the gate: those requests are not the scenario's.
  await world.environment.flushRequests();
  state.startCountingRequests();
  timeline.feedFrom(() => state.refreshRequests(clock.now()));
  const setupDone = performance.now();
  const expects: ExpectResult[] = [];
  try {
    for (const [index, step] of scenario.steps.entries()) {
      timeline.add({ kind: "step", at: clock.now(), index, text: describeStep(step) });
      await recordStep(`${index + 1}. ${describeStep(step)}`, async () => {
        // Registry and fault changes are real work: the virtual clock must not move on (and start
        // a pod's next pull) until they are done. wait and expect steps are the clock's to run.
        const activity = step.kind === "wait" || step.kind === "expect" ? undefined : clock.beginActivity(`step ${index + 1}`);
        try {
          const outcome = await state.perform(step, index, node);
          if (outcome) expects.push(outcome);
        } finally {
          activity?.end();
        }
      });
    }
    await world.environment.flushRequests();
    state.refreshRequests(clock.now());
  } finally {
    await node.close();
  }
  const stepsDone = performance.now();
  const nodeRequests = world.environment.requests().slice(state.requestsBeforeNode);
  const invariants = checkInvariants({
    timeline,
    pods: state.pods,
    policies: world.policies,
    passwordsEverValid: state.passwordsEverValid,
    registryPrivate: state.registryPrivate,
    contentVerified: (pod, imageID) => node.contentVerified(pod, imageID),
    knownDigests: world.knownDigests,
  });
  const result: ScenarioRunResult = {
    scenario: scenario.id,
    group: scenario.id.includes("/") ? scenario.id.slice(0, scenario.id.indexOf("/")) : "scenarios",
    policy: policy.name,
    backend: test.backend,
    expects,
    invariants,
    realDurationMs: Math.round(performance.now() - realStart),
    virtualDurationMs: Math.round(clock.now() - start),
    timing: {
      resetMs: Math.round(resetDone - realStart),
      setupMs: Math.round(setupDone - resetDone),
      stepsMs: Math.round(stepsDone - setupDone),
      registryRequestsMs: nodeRequests.reduce((sum, r) => sum + r.durationMs, 0),
      registryBytes: nodeRequests.reduce((sum, r) => sum + r.bytes, 0),
    },
  };
  return { result, timeline, start };
}

class RunState {
  readonly pods: PodFacts[] = [];
  readonly passwordsEverValid = new Map<string, Set<string>>();
  registryPrivate = false;
  private readonly users = new Map<string, string>();
  private requestsSeen = 0;
  /** Gate log entries before the scenario's first step (the admin's pushes bypass the gate). */
  requestsBeforeNode = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly policy: PolicyDefinition,
    private readonly world: RunWorld,
    private readonly timeline: Timeline,
  ) {}

  async prepareRegistry(): Promise<void> {
    for (const [user, password] of Object.entries(this.scenario.registry.users)) await this.grant(user, password);
    for (const image of this.scenario.registry.images) {
      await this.world.environment.admin.pushImage(image.repo, image.tag, this.world.fixture(image.variant));
    }
  }

  startCountingRequests(): void {
    this.requestsSeen = this.world.environment.requests().length;
    this.requestsBeforeNode = this.requestsSeen;
  }

  async perform(step: Step, index: number, node: NodeUnderTest): Promise<ExpectResult | undefined> {
    const env = this.world.environment;
    const clock = node.clock;
    switch (step.kind) {
      case "run": {
        const image = podImage(step.image.raw, (v) => this.world.digestOf(v));
        const imagePullPolicy = step.policy === "default" ? undefined : (step.policy ?? this.policy.name);
        // `secret: USER` holds the password USER has, or had: a revoked user's secret keeps it.
        const secret = step.secret ? { user: step.secret.user, password: step.secret.password ?? this.users.get(step.secret.user) ?? "" } : undefined;
        this.pods.push({
          name: step.pod,
          policy: this.world.effectivePolicy(image, imagePullPolicy),
          ...(secret ? { secret } : {}),
          runIndex: this.timeline.length,
        });
        await node.createPod({
          name: step.pod,
          image,
          imagePullPolicy,
          ...(secret ? { pullSecret: { name: secretName(step.secret!), username: secret.user, password: secret.password } } : {}),
        });
        return undefined;
      }
      case "delete":
        await node.deletePod(step.pod);
        return undefined;
      case "expect":
        return await this.expect(step, index, node);
      case "push":
        for (const image of step.images) await env.admin.pushImage(image.repo, image.tag, this.world.fixture(image.variant));
        return undefined;
      case "untag":
        await env.admin.untag(step.repo, step.tag);
        return undefined;
      case "backup":
        await env.admin.backup(step.name);
        return undefined;
      case "restore":
        await env.admin.restore(step.name);
        return undefined;
      case "grant":
        for (const [user, password] of Object.entries(step.users)) await this.grant(user, password);
        return undefined;
      case "revoke":
        await env.admin.revoke(step.user);
        return undefined;
      case "fault":
        await env.faults.apply(step.fault);
        this.timeline.add({ kind: "fault", at: clock.now(), text: `+ ${describeFault(step.fault)}` });
        return undefined;
      case "heal":
        await env.faults.heal();
        this.timeline.add({ kind: "fault", at: clock.now(), text: "healed: all faults removed" });
        return undefined;
      case "wait":
        await clock.sleepUntil(clock.now() + step.ms);
        return undefined;
      case "gc":
        await node.removeImage(storeName(step.image));
        return undefined;
      case "restart":
        await node.restartKubelet();
        return undefined;
    }
  }

  private async grant(user: string, password: string): Promise<void> {
    await this.world.environment.admin.grant(user, password);
    this.users.set(user, password);
    this.registryPrivate = true;
    if (!this.passwordsEverValid.has(user)) this.passwordsEverValid.set(user, new Set());
    this.passwordsEverValid.get(user)!.add(password);
  }

  private async expect(step: Extract<Step, { kind: "expect" }>, index: number, node: NodeUnderTest): Promise<ExpectResult> {
    const outcome: Outcome | undefined = step.perPolicy[this.policy.name] ?? step.default;
    const pod = this.pods.findLast((p) => p.name === step.pod)!;
    const context = {
      timeline: this.timeline,
      pod: step.pod,
      windowStart: this.timeline.length,
      podStart: pod.runIndex,
      digestOf: (variant: string) => this.world.digestOf(variant),
    };
    // A gate in a container reports over a stream: have everything it answered so far.
    await this.world.environment.flushRequests();
    const options = {
      clock: node.clock,
      timeline: this.timeline,
      withinMs: outcome?.withinMs ?? 5 * 60_000,
      ...(outcome?.staysMs !== undefined ? { staysMs: outcome.staysMs } : {}),
      refresh: () => this.refreshRequests(node.clock.now()),
    };
    if (!outcome) {
      await awaitSettled(step.pod, options);
      return {
        stepIndex: index,
        pod: step.pod,
        expected: undefined,
        actual: this.actual(step.pod),
        verdict: "unspecified",
        reasons: [],
        finalState: this.timeline.latestState(step.pod),
      };
    }
    const match = await awaitOutcome(toSpec(outcome), context, options);
    const reasons = match.holds
      ? []
      : [...match.reasons, `within ${formatDuration(options.withinMs)}${outcome.staysMs !== undefined ? `, staying ${formatDuration(outcome.staysMs)}` : ""}`];
    return {
      stepIndex: index,
      pod: step.pod,
      expected: describeOutcome(outcome),
      actual: this.actual(step.pod),
      verdict: match.holds ? "passed" : "failed",
      reasons,
      finalState: this.timeline.latestState(step.pod),
    };
  }

  private actual(pod: string): string {
    const state = this.timeline.latestState(pod);
    if (state?.phase === "running") {
      const digest = state.imageID?.slice(state.imageID.indexOf("@") + 1) ?? "";
      return `running ${this.world.variantOf(digest) ?? state.imageID}`;
    }
    return state ? `waiting ${state.reason}` : describeState(state);
  }

  /** Copies new registry requests (from the gate's access log) onto the timeline. */
  refreshRequests(now: number): void {
    const log = this.world.environment.requests();
    for (const entry of log.slice(this.requestsSeen)) this.timeline.add(this.world.toRequestObservation(entry, now));
    this.requestsSeen = log.length;
  }
}

function toSpec({ withinMs: _within, staysMs: _stays, ...checks }: Outcome): OutcomeSpec {
  return checks;
}

/** `secret: alice` is one shared secret object; an explicit {user, password} is a secret of its own. */
function secretName(secret: { user: string; password?: string | undefined }): string {
  if (secret.password === undefined) return `pull-secret-${secret.user}`;
  return `pull-secret-${secret.user}-${createHash("sha256").update(secret.password).digest("hex").slice(0, 8)}`;
}
