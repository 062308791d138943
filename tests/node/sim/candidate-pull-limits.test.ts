/**
 * A candidate policy's pulls go through the kubelet's puller like any other pull: the
 * registryPullQPS token bucket refuses the second pull of the same second, while the candidate's
 * digest checks (manifest HEAD) take no token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEnvironment, type Environment } from "../../../harness/environment/environment.js";
import { createSimNode } from "../../../harness/node/sim/create-sim-node.js";
import { Timeline } from "../../../harness/observe/timeline.js";
import { builtinPolicies } from "../../../harness/policy/load-policies.js";
import { getFixture } from "../../../harness/fixture-images/catalog.js";
import { REPO_ROOT } from "../../../harness/support/repo-root.js";
import type { NodeConfig } from "../../../harness/scenario/types.js";
import type { Scenario } from "../../../harness/scenario/scenario.js";
import { VirtualClock } from "../../../harness/support/virtual-clock.js";

const dir = mkdtempSync(join(tmpdir(), "pullcheck-candidate-limits-test-"));

describe("a candidate policy under the kubelet's pull limits", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin") });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function node(name: string, config: NodeConfig) {
    const scenario: Scenario = { file: "inline", id: "inline", registry: { users: {}, images: [] }, node: { preloaded: [], config }, steps: [] };
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
    const until = async (done: () => boolean) => {
      const deadline = clock.now() + 10 * 60_000;
      while (!done() && clock.now() < deadline) {
        const stop = new AbortController();
        await Promise.race([timeline.next(stop.signal), clock.sleepUntil(clock.now() + 60_000, stop.signal)]).catch(() => {});
        stop.abort();
      }
    };
    return { clock, timeline, sim, until };
  }

  it("should refuse the second pull with 'pull QPS exceeded' (registryPullQPS 1, burst 1), then pull it after the back-off", async () => {
    await env.reset();
    await env.admin.pushImage("app", "one", getFixture("v1"));
    await env.admin.pushImage("app", "two", getFixture("v2"));
    const { timeline, sim, until } = await node("qps", { registryPullQPS: 1, registryBurst: 1 });
    const imageOf: Record<string, string> = { first: "registry.pullcheck.test/app:one", second: "registry.pullcheck.test/app:two" };
    for (const pod of ["first", "second"]) await sim.createPod({ name: pod, image: imageOf[pod]!, imagePullPolicy: "IfNewerNotPresent" });
    await until(() => sim.containerStatus("first")?.state?.running !== undefined && sim.containerStatus("second")?.state?.running !== undefined);

    // Which pod reaches the puller first depends on which digest check answers first.
    const refused = (pod: string) =>
      sim.events.some((e) => e.involvedObject.name === pod && e.message === `Failed to pull image "${imageOf[pod]}": pull QPS exceeded`);
    expect([refused("first"), refused("second")].sort()).toEqual([false, true]);
    const loser = refused("first") ? "first" : "second";
    const waits = timeline.all().flatMap((o) => (o.kind === "status" && o.pod === loser && o.state.phase === "waiting" ? [o.state] : []));
    expect(waits[0]).toMatchObject({ reason: "ErrImagePull", message: "pull QPS exceeded" });
    // The winner's pull had a token although both digest checks had gone before: they take none.
    const winner = loser === "first" ? "second" : "first";
    expect(sim.events.filter((e) => e.involvedObject.name === winner).map((e) => e.reason)).toEqual(["Pulling", "Pulled"]);
    expect(sim.containerStatus("second")?.imageID).toContain(getFixture("v2").digest);
    await sim.close();
  });

  it("should not fall back on a refused pull: the kubelet's own QPS limit is no registry failure", async () => {
    await env.reset();
    await env.admin.pushImage("app", "latest", getFixture("v1"));
    // One token per 100 s: the warm-up pull takes the only one.
    const { timeline, sim, until } = await node("qps-fallback", { registryPullQPS: 0.01, registryBurst: 1 });
    await sim.createPod({ name: "warm", image: "registry.pullcheck.test/app:latest", imagePullPolicy: "Always" });
    await until(() => sim.containerStatus("warm")?.state?.running !== undefined);
    await sim.createPod({ name: "probe", image: "registry.pullcheck.test/app:latest", imagePullPolicy: "PullWithFallback" });
    await until(() => sim.containerStatus("probe")?.state?.running !== undefined);

    const states = timeline.all().flatMap((o) => (o.kind === "status" && o.pod === "probe" ? [o.state] : []));
    expect(states.find((s) => s.phase === "waiting")).toMatchObject({ reason: "ErrImagePull", message: "pull QPS exceeded" });
    expect(sim.events.filter((e) => e.reason === "ImagePullFallback")).toEqual([]);
    expect(sim.events.filter((e) => e.involvedObject.name === "probe").at(-1)?.reason).toBe("Pulled");
    await sim.close();
  });
});
