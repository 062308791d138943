/**
 * A fleet of simulated nodes in one process, sharing one registry behind one Toxiproxy and gate:
 * what a policy costs the registry when a whole fleet starts the same image at once.
 *
 * Every node has the previous release cached under `app:latest`; the registry's tag already
 * points at the new release. With `outageMs` 0 every node starts its pod when the outage heals
 * (the storm at heal time); otherwise the pods start while the registry is down and the outage
 * heals `outageMs` later, so each policy's retries (the kubelet's back-off has no jitter) and
 * fallbacks show in the counts.
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startEnvironment } from "../environment/environment.js";
import { sleep } from "../support/clock.js";
import { VirtualClock } from "../support/virtual-clock.js";
import { Timeline } from "../observe/timeline.js";
import { requestKind, type RequestKind } from "../observe/observation.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { getFixture, variantOfDigest } from "../fixture-images/catalog.js";
import { createSimNode } from "../node/sim/create-sim-node.js";
import type { SimNode } from "../node/sim/sim-node.js";
import { REGISTRY_HOST } from "../scenario/image-names.js";
import { onCleanup } from "../support/cleanup.js";
import { FLEET_REPO, FLEET_TAG, fleetScenario } from "./fleet-scenario.js";
import { watchMemoryPeak } from "./memory-peak.js";
import { RequestSeries, type RequestsInSecond } from "./request-series.js";
import { pullFailures, type PullFailures } from "./pull-failures.js";
import { nodesFolderParent, usedBytes } from "./nodes-folder.js";

export interface FleetOptions {
  nodes: number;
  policy: string;
  policies: Map<string, PolicyDefinition>;
  toolsDir: string;
  /** What every node has cached under app:latest (default v1). */
  cachedVariant?: string;
  /** What app:latest points at in the registry (default v2). */
  latestVariant?: string;
  /** Virtual time the registry stays down after the pods start (default 0: they start at heal). */
  outageMs?: number;
  /** Virtual time after the heal by which every pod must run (default 10 min). */
  deadlineMs?: number;
}

export interface FleetResult {
  nodes: number;
  policy: string;
  outageMs: number;
  /** Real time to start the environment and the nodes (not part of the storm). */
  setupRealMs: number;
  /** Real time from the first pod start until every pod ran (or the deadline). */
  stormRealMs: number;
  /** Virtual time from the heal until the last pod ran (0 when all ran before the heal); undefined if some never did. */
  allRunningAfterHealMs: number | undefined;
  /** Pods by what they run: a fixture variant, or the waiting reason of those that do not run. */
  outcomes: Record<string, number>;
  requests: Record<Exclude<RequestKind, "other">, number> & { other: number; total: number };
  /** The registry's requests by virtual second since the pods started (seconds without any left out). */
  requestsOverTime: RequestsInSecond[];
  bytesServed: number;
  /** Pull errors the nodes recorded as Events, and pods that had to pull again. */
  pullFailures: PullFailures;
  peakRssBytes: number;
  /** What the nodes' files took when every pod had run; in memory when they were on a tmpfs. */
  nodeFiles: { bytes: number; inMemory: boolean };
}

const FLEET_STALL_AFTER_MS = 5_000;
/**
 * A storm injects no fault that holds a connection open (an outage refuses at once), so a silent
 * request is a registry slow to answer, not a hang. With both cores busy, 5,000-node storms saw
 * the clock jump the 10 s of the default silence rule while requests were still answered. Only
 * two minutes of silence count as a hang here.
 */
const FLEET_UNSHAPED_STALL_AFTER_MS = 120_000;

/**
 * The fleet's nodes share one pool of registry connections. A whole fleet in one process cannot
 * hold a connection per node: each is three sockets here (the node's, the gate's from Toxiproxy,
 * the gate's to the registry) and Toxiproxy holds two, under a limit of 20,000 open files per
 * process on the machines this runs on. HTTP/1.1 requests carry their own credentials and
 * User-Agent, so sharing connections changes no request the registry sees, only how many
 * connections carry them at once; requests beyond the pool wait for a connection, in real time
 * only (the clock stands still while they wait).
 */
const FLEET_CONNECTIONS = 1_024;

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const cachedVariant = options.cachedVariant ?? "v1";
  const latestVariant = options.latestVariant ?? "v2";
  const outageMs = options.outageMs ?? 0;
  const deadlineMs = options.deadlineMs ?? 10 * 60_000;
  const memory = watchMemoryPeak();
  const setupStart = performance.now();
  const environment = await startEnvironment({ toolsDir: options.toolsDir });
  const parent = nodesFolderParent();
  const usedBefore = usedBytes(parent.path);
  const nodesRoot = mkdtempSync(join(parent.path, "pullcheck-fleet-"));
  const removeNodes = () => rmSync(nodesRoot, { recursive: true, force: true });
  const unregister = onCleanup(`fleet folder ${nodesRoot}`, removeNodes);
  const nodes: SimNode[] = [];
  const registryAgent = new http.Agent({ keepAlive: true, maxSockets: FLEET_CONNECTIONS });
  try {
    const scenario = fleetScenario(cachedVariant);
    await environment.admin.pushImage(FLEET_REPO, FLEET_TAG, getFixture(cachedVariant));
    // A thousand nodes keep the event loop busy: a transfer can go a second without a progress
    // callback although it moves. A longer stall window keeps the clock from jumping over it.
    const clock = new VirtualClock({ stallAfterMs: FLEET_STALL_AFTER_MS, unshapedStallAfterMs: FLEET_UNSHAPED_STALL_AFTER_MS });
    const timeline = new Timeline();
    for (let i = 0; i < options.nodes; i++) {
      nodes.push(
        await createSimNode({
          clock,
          timeline,
          scenario,
          policies: options.policies,
          nodeName: `node-${i + 1}`,
          nodeDir: join(nodesRoot, `node-${i + 1}`),
          endpoint: environment.endpoint,
          registryAgent,
          fixture: getFixture,
        }),
      );
    }
    await environment.admin.pushImage(FLEET_REPO, FLEET_TAG, getFixture(latestVariant));
    const setupRealMs = performance.now() - setupStart;

    const stormStart = performance.now();
    const series = new RequestSeries(() => environment.requests(), clock, clock.now());
    const hold = clock.beginActivity("fleet: start pods");
    if (outageMs > 0) await environment.faults.apply({ kind: "down" });
    const pod = { name: "app", image: `${REGISTRY_HOST}/${FLEET_REPO}:${FLEET_TAG}`, imagePullPolicy: options.policy };
    await Promise.all(nodes.map((node) => node.createPod(pod)));
    hold.end();
    if (outageMs > 0) {
      await secondBySecond(clock, clock.now() + outageMs, () => {
        series.sample();
        return false;
      });
      const healing = clock.beginActivity("fleet: heal");
      await environment.faults.heal();
      healing.end();
    }
    const healedAt = clock.now();
    const allRunningAfterHealMs = await waitForAllRunning(nodes, clock, healedAt + deadlineMs, series);
    const stormRealMs = performance.now() - stormStart;
    const nodeFiles = { bytes: Math.max(0, usedBytes(parent.path) - usedBefore), inMemory: parent.inMemory };

    const outcomes: Record<string, number> = {};
    for (const node of nodes) {
      const status = node.containerStatus("app");
      const key = status?.state?.running
        ? (variantOfDigest(status.imageID?.slice(status.imageID.indexOf("@") + 1) ?? "") ?? "unknown image")
        : `waiting ${status?.state?.waiting?.reason ?? "(no status)"}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const requests = { manifestHead: 0, manifestGet: 0, blobGet: 0, other: 0, total: 0 };
    let bytesServed = 0;
    for (const entry of environment.requests()) {
      requests[requestKind(entry)]++;
      requests.total++;
      bytesServed += entry.bytes;
    }
    const result: Omit<FleetResult, "peakRssBytes"> = {
      nodes: options.nodes,
      policy: options.policy,
      outageMs,
      setupRealMs,
      stormRealMs,
      allRunningAfterHealMs: allRunningAfterHealMs === undefined ? undefined : Math.max(0, allRunningAfterHealMs - healedAt),
      outcomes,
      requests,
      requestsOverTime: series.nonEmptySeconds(),
      bytesServed,
      pullFailures: pullFailures(nodes.map((node) => node.events)),
      nodeFiles,
    };
    return { ...result, peakRssBytes: memory.stop().peakRssBytes };
  } finally {
    memory.stop();
    await Promise.allSettled(nodes.map((node) => node.close()));
    registryAgent.destroy();
    await environment.close();
    removeNodes();
    unregister();
  }
}

/** Virtual time at which the last pod ran, or undefined when the deadline came first. */
async function waitForAllRunning(nodes: SimNode[], clock: VirtualClock, deadline: number, series: RequestSeries): Promise<number | undefined> {
  const allRunning = () => nodes.every((node) => node.containerStatus("app")?.state?.running);
  await secondBySecond(clock, deadline, () => {
    series.sample();
    return allRunning();
  });
  series.sample();
  if (!allRunning()) return undefined;
  return Math.max(...nodes.map((node) => node.containerStatus("app")!.state!.running!.startedAt!.getTime()));
}

/** Calls `done` now and after every virtual second until it says true or `until` comes. */
async function secondBySecond(clock: VirtualClock, until: number, done: () => boolean): Promise<void> {
  while (!done() && clock.now() < until) await sleep(clock, Math.min(1_000, until - clock.now()));
}
