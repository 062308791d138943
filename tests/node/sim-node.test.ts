import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEnvironment, type Environment } from "../../harness/environment/environment.js";
import { createSimNode } from "../../harness/node/sim/create-sim-node.js";
import { Timeline } from "../../harness/observe/timeline.js";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import { getFixture } from "../../harness/fixture-images/catalog.js";
import { REPO_ROOT } from "../../harness/support/repo-root.js";
import type { Scenario } from "../../harness/scenario/scenario.js";
import { VirtualClock } from "../../harness/support/virtual-clock.js";

const scenario: Scenario = { file: "inline", id: "inline", registry: { users: {}, images: [] }, node: { preloaded: [], config: {} }, steps: [] };
const dir = mkdtempSync(join(tmpdir(), "pullcheck-sim-node-test-"));

describe("SimNode", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin") });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function node(name: string) {
    const clock = new VirtualClock();
    const timeline = new Timeline();
    const sim = await createSimNode({
      clock,
      timeline,
      scenario,
      policies: new Map(builtinPolicies().map((p) => [p.name, p])),
      nodeName: name,
      nodeDir: join(dir, name),
      endpoint: env.endpoint,
      fixture: getFixture,
    });
    return { clock, timeline, sim };
  }

  async function until(timeline: Timeline, clock: VirtualClock, done: () => boolean): Promise<void> {
    const deadline = clock.now() + 10 * 60_000;
    while (!done() && clock.now() < deadline) {
      const stop = new AbortController();
      await Promise.race([timeline.next(stop.signal), clock.sleepUntil(clock.now() + 60_000, stop.signal)]).catch(() => {});
      stop.abort();
    }
  }

  it("should report Kubernetes objects: a running V1ContainerStatus with the repo digest, and kubelet Events on the container", async () => {
    await env.reset();
    await env.admin.pushImage("app", "latest", getFixture("v1"));
    const { clock, timeline, sim } = await node("objects");
    await sim.createPod({ name: "p", image: "registry.pullcheck.test/app:latest", imagePullPolicy: "Always" });
    await until(timeline, clock, () => sim.containerStatus("p")?.state?.running !== undefined);
    expect(sim.containerStatus("p")).toMatchObject({ name: "app", ready: true, imageID: `registry.pullcheck.test/app@${getFixture("v1").digest}` });
    expect(sim.events.map((e) => [e.type, e.reason])).toEqual([
      ["Normal", "Pulling"],
      ["Normal", "Pulled"],
    ]);
    expect(sim.events[0]).toMatchObject({
      involvedObject: { kind: "Pod", name: "p", fieldPath: "spec.containers{app}" },
      source: { component: "kubelet", host: "objects" },
    });
    expect(sim.contentVerified("p", sim.containerStatus("p")!.imageID)).toBe(true);
    await sim.close();
  });

  it("should forget back-off on a kubelet restart but keep the image store", async () => {
    await env.reset();
    const { clock, timeline, sim } = await node("restart");
    await env.faults.apply({ kind: "down" });
    await sim.createPod({ name: "p", image: "registry.pullcheck.test/app:latest", imagePullPolicy: "Always" });
    await until(timeline, clock, () => sim.containerStatus("p")?.state?.waiting?.reason === "ImagePullBackOff");
    await env.faults.heal();
    await env.admin.pushImage("app", "latest", getFixture("v2"));
    const restartedAt = clock.now();
    await sim.restartKubelet();
    await until(timeline, clock, () => sim.containerStatus("p")?.state?.running !== undefined);
    expect(clock.now() - restartedAt).toBeLessThan(1_000);
    expect(sim.containerStatus("p")?.imageID).toContain(getFixture("v2").digest);
    await sim.close();
  });
});
