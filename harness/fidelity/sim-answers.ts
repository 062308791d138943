/**
 * The simulated kubelet's answers to an oracle sequence, in the oracle's output shape: the same
 * calls into its image manager (node/sim/kubelet), over a runtime that answers from the same
 * rules, on a clock moved only by `step`. Kubelet behaviour outside the image manager that the
 * oracle also reproduces: the API server's pull-policy defaulting, and startContainer's second
 * event "Error: <reason>" when EnsureImageExists fails (kuberuntime_container.go).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubelet, type Kubelet, type SimPod } from "../node/sim/kubelet/kubelet.js";
import { defaultPullPolicy } from "../node/sim/kubelet/pod-image-defaults.js";
import type { KubeletVersion } from "../node/sim/kubelet/kubelet-version.js";
import type { OracleCall, OracleEvent, OracleInput, OracleOutput, OracleResult } from "./oracle-json.js";
import { RuleRuntime } from "./rule-runtime.js";
import { StepClock } from "./step-clock.js";

export async function simAnswers(input: OracleInput, version: KubeletVersion): Promise<OracleOutput> {
  const rootDir = mkdtempSync(join(tmpdir(), "pullcheck-fidelity-"));
  try {
    const clock = new StepClock(Date.UTC(2026, 0, 1));
    const runtime = new RuleRuntime(input.images ?? [], input.pulls ?? []);
    let events: OracleEvent[] = [];
    const start = (): Kubelet =>
      createKubelet({
        clock,
        images: runtime,
        config: input.kubeletConfig ?? {},
        rootDir,
        version,
        onEvent: (pod, { type, reason, message, correlated }) =>
          events.push(
            correlated.dropped
              ? { pod: pod.name, type, reason, message, count: 0, dropped: true }
              : { pod: pod.name, type, reason, message: correlated.message, count: correlated.count },
          ),
      });
    let kubelet: Kubelet;
    try {
      kubelet = start();
    } catch (error) {
      return { config: { valid: false, errors: [(error as Error).message] }, results: [] };
    }
    const startedAt = clock.now();
    const results: OracleResult[] = [];
    const inFlight = new Map<number, AsyncCall>();
    /** `started`: a call just started asynchronously, not yet among those in flight. */
    const settle = (started = false) => settled(() => runtime.log.length + events.length, started || inFlight.size > 0);
    /** The async calls found finished while call `index` was answered (-1: at the end). */
    const completions = (index: number): OracleResult[] =>
      [...inFlight]
        .sort(([a], [b]) => a - b)
        .filter(([, pending]) => pending.done)
        .map(([k, pending]) => {
          inFlight.delete(k);
          const completion: OracleResult = { index, op: "ensureImage", at: (clock.now() - startedAt) / 1000, completes: k, events: [], cri: [] };
          copyOutcome(pending.outcome, completion);
          return completion;
        });
    for (const [index, call] of input.calls.entries()) {
      const result: OracleResult = { index, op: call.op, at: (clock.now() - startedAt) / 1000, events: [], cri: [] };
      if (call.op === "restartKubelet") {
        await settle();
        // The old kubelet dies: its calls in flight are never answered.
        kubelet.stop();
        runtime.abandonHeld();
        if (inFlight.size > 0) result.abandoned = [...inFlight.keys()].sort((a, b) => a - b);
        inFlight.clear();
        kubelet = start();
        await kubelet.started;
      } else if (call.op === "ensureImage" && call.async) {
        const outcome: OracleResult = { ...result };
        const pending: AsyncCall = { done: false, outcome, finished: Promise.resolve() };
        pending.finished = perform(call, outcome, { kubelet, clock, runtime }).then(
          () => void (pending.done = true),
          () => {}, // abandoned with its kubelet
        );
        await settle(true);
        if (pending.done) copyOutcome(outcome, result);
        else {
          result.imagePullPolicy = outcome.imagePullPolicy;
          result.pending = true;
          inFlight.set(index, pending);
        }
      } else if (call.op === "await") await inFlight.get(call.call)?.finished;
      else await perform(call, result, { kubelet, clock, runtime });
      await settle();
      result.events = events;
      result.cri = runtime.log.splice(0);
      events = [];
      results.push(result, ...completions(index));
    }
    // Async calls still running at the end: let them settle, and report those that finished.
    await settle();
    results.push(...completions(-1));
    return { config: { valid: true }, results, records: { intents: recordFiles(rootDir, "pulling"), pulled: recordFiles(rootDir, "pulled") } };
  } finally {
    rmSync(rootDir, { recursive: true, force: true });
  }
}

interface AsyncCall {
  done: boolean;
  outcome: OracleResult;
  finished: Promise<void>;
}

function copyOutcome(from: OracleResult, to: OracleResult): void {
  for (const field of ["imagePullPolicy", "imageRef", "message", "error"] as const) if (from[field] !== undefined) to[field] = from[field];
}

/**
 * Lets async calls run until the work stops moving (no new runtime call or event over a few turns
 * of the event loop), as the oracle waits 150 ms of real time; at once when nothing is in flight.
 */
async function settled(progress: () => number, anyInFlight: boolean): Promise<void> {
  if (!anyInFlight) return;
  let last = -1;
  for (let stable = 0; stable < 5;) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = progress();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

interface Parts {
  kubelet: Kubelet;
  clock: StepClock;
  runtime: RuleRuntime;
}

async function perform(call: Exclude<OracleCall, { op: "restartKubelet" | "await" }>, result: OracleResult, { kubelet, clock, runtime }: Parts): Promise<void> {
  switch (call.op) {
    case "ensureImage": {
      const pod = simPod(call);
      const policy = call.container.imagePullPolicy || defaultPullPolicy(call.container.image);
      result.imagePullPolicy = policy;
      const defaulted = kubelet.applyDefaultImageTag(pod);
      const ensured = "error" in defaulted ? defaulted : await kubelet.ensureImageExists(pod, policy, runtime);
      if ("error" in ensured) {
        result.error = ensured.error.reason;
        result.message = ensured.error.message;
        kubelet.event(pod, "Warning", "Failed", `Error: ${ensured.error.reason}`);
      } else result.imageRef = ensured.imageRef;
      return;
    }
    case "step":
      clock.step(call.seconds * 1000);
      return;
    case "runtime":
      runtime.setRules(call.pulls);
      return;
    case "addImage":
      runtime.add(call);
      return;
    case "removeImage":
      runtime.remove(call.image);
      return;
    case "release":
      runtime.release(call.image);
      return;
    case "deletePod":
    case "records":
      return;
  }
}

function simPod(call: Extract<OracleCall, { op: "ensureImage" }>): SimPod {
  const namespace = call.pod.namespace ?? "default";
  return {
    name: call.pod.name,
    namespace,
    uid: call.pod.uid ?? `${call.pod.name}-uid`,
    containerName: call.container.name ?? "app",
    image: call.container.image,
    pullSecrets: (call.pullSecrets ?? []).map((s) => ({
      uid: `${s.name}-uid`,
      namespace,
      name: s.name,
      registry: s.registry,
      username: s.username,
      password: s.password,
    })),
  };
}

/** The kubelet's record files of one kind, parsed, in file-name order (as the oracle lists them). */
function recordFiles(rootDir: string, kind: "pulling" | "pulled"): unknown[] {
  const dir = join(rootDir, "image_manager", kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith("."))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as unknown);
}
