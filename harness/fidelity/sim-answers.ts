/**
 * The simulated kubelet's answers to an oracle sequence, in the oracle's output shape: the same
 * calls into its image manager (node/sim/kubelet), over a runtime that answers from the same
 * rules, on a clock moved only by `step`. Kubelet behaviour outside the image manager that the
 * oracle also reproduces: the API server's pull-policy defaulting, and startContainer's second
 * event "Error: <reason>" when EnsureImageExists fails (kuberuntime_container.go).
 */
import { mkdtempSync, rmSync } from "node:fs";
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
        onEvent: (pod, type, reason, message) => events.push({ pod: pod.name, type, reason, message }),
      });
    let kubelet: Kubelet;
    try {
      kubelet = start();
    } catch (error) {
      return { config: { valid: false, errors: [(error as Error).message] }, results: [] };
    }
    const startedAt = clock.now();
    const results: OracleResult[] = [];
    for (const [index, call] of input.calls.entries()) {
      const result: OracleResult = { index, op: call.op, at: (clock.now() - startedAt) / 1000, events: [], cri: [] };
      if (call.op === "restartKubelet") kubelet = start();
      else await perform(call, result, { kubelet, clock, runtime });
      result.events = events;
      result.cri = runtime.log.splice(0);
      events = [];
      results.push(result);
    }
    return { config: { valid: true }, results };
  } finally {
    rmSync(rootDir, { recursive: true, force: true });
  }
}

interface Parts {
  kubelet: Kubelet;
  clock: StepClock;
  runtime: RuleRuntime;
}

async function perform(call: Exclude<OracleCall, { op: "restartKubelet" }>, result: OracleResult, { kubelet, clock, runtime }: Parts): Promise<void> {
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
    pullSecrets: (call.pullSecrets ?? []).map((s) => ({ uid: `${s.name}-uid`, namespace, name: s.name, username: s.username, password: s.password })),
  };
}
