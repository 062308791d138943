/**
 * The StepContext a test's steps run against: the node, the registry and the faults of its world,
 * each change also noted where the invariants and the report need it (the pods' facts, the
 * timeline's fault lines, the expectations' verdicts).
 */
import type { Clock } from "../support/clock.js";
import type { Timeline } from "../observe/timeline.js";
import type { PodFacts } from "../assert/invariants/index.js";
import type { ExpectResult } from "../assert/outcome-result.js";
import type { NodeUnderTest } from "../node/node-under-test.js";
import { describeFault, faultGoesSilent, faultShapesTime } from "../scenario/faults/index.js";
import { podImage } from "../scenario/image-names.js";
import type { StepContext } from "../scenario/steps/index.js";
import { judgeExpectation } from "./judge-expectation.js";
import type { RegistryLedger } from "./registry-ledger.js";
import type { RequestFeed } from "./request-feed.js";
import type { RunWorld } from "./run-world.js";

export interface TestRecord {
  /** Every pod the test ran, in order, with what the invariants need to know of it. */
  pods: PodFacts[];
  expects: ExpectResult[];
  /** Index of the step being carried out (the runner moves it on). */
  stepIndex: number;
}

export interface StepContextParts {
  policy: string;
  world: RunWorld;
  node: NodeUnderTest;
  clock: Clock;
  timeline: Timeline;
  registry: RegistryLedger;
  requests: RequestFeed;
  record: TestRecord;
}

export function createStepContext({ policy, world, node, clock, timeline, registry, requests, record }: StepContextParts): StepContext {
  const note = (kind: "fault" | "note", text: string) => timeline.add({ kind, at: clock.now(), text });
  return {
    policy,
    clock,
    node: {
      async createPod(pod) {
        const secret = pod.pullSecret ? { user: pod.pullSecret.username, password: pod.pullSecret.password } : undefined;
        record.pods.push({
          name: pod.name,
          image: pod.image,
          policy: world.effectivePolicy(pod.image, pod.imagePullPolicy),
          ...(secret ? { secret } : {}),
          runIndex: timeline.length,
        });
        await node.createPod(pod);
      },
      deletePod: (name) => node.deletePod(name),
      removeImage: (image) => node.removeImage(image),
      restartKubelet: () => node.restartKubelet(),
    },
    registry,
    faults: {
      async apply(fault) {
        await world.environment.faults.apply(fault);
        if (faultShapesTime(fault)) clock.setNetworkShaped(true, faultGoesSilent(fault));
        note("fault", `+ ${describeFault(fault)}`);
      },
      async heal() {
        await world.environment.faults.heal();
        clock.setNetworkShaped(false);
        note("fault", "healed: all faults removed");
      },
    },
    podImage: (raw) => podImage(raw, (variant) => world.digestOf(variant)),
    note: (text) => note("note", text),
    async expect(pod, outcome) {
      const podStart = record.pods.findLast((p) => p.name === pod)!.runIndex;
      const result = await judgeExpectation(
        { stepIndex: record.stepIndex, pod, podStart, outcome },
        { world, clock, timeline, refresh: () => requests.refresh(clock.now()) },
      );
      record.expects.push(result);
    },
  };
}
