/**
 * The simulated kubelet (node/sim) on a virtual clock. Each world has its own environment
 * (registry, Toxiproxy, gate: processes, or containers with --containers) and a folder for its
 * nodes' image stores and pull records; every test gets a new node.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { ContainerOptions } from "../../environment/start-as-containers.js";
import { VirtualClock } from "../../support/virtual-clock.js";
import { REPO_ROOT } from "../../support/repo-root.js";
import { onCleanup } from "../../support/cleanup.js";
import { getFixture } from "../../fixture-images/catalog.js";
import type { PolicyDefinition } from "../../policy/policy-definition.js";
import type { RunConfig } from "../run-config.js";
import type { NodeOptions, StartedRunWorld } from "../run-world.js";
import { fixtureWorld } from "../fixture-world.js";
import type { Backend } from "./backend.js";
import { isUpstreamPolicy } from "../../policy/policy-definition.js";
import { fileSafe } from "../../support/file-safe.js";

/** Containers answer more slowly than local processes, most of all with four tests at once: a request must go quiet for longer before the clock treats it as hanging. */
const CONTAINER_STALL_AFTER_MS = 3_000;

/**
 * A guard against a run that hangs, not a measure: a cell takes seconds of real time, but on a
 * machine loaded ten times over (the soak beside a fleet storm) it can take minutes, and a
 * timeout would throw away an outcome the virtual clock had decided.
 */
export const SIM_TEST_TIMEOUT_MS = 10 * 60_000;

export const sim: Backend = {
  name: "sim",
  description: "the simulated kubelet, on a virtual clock (default)",
  testTimeoutMs: SIM_TEST_TIMEOUT_MS,
  concurrency: (config) => config.parallel,
  kubeletRelease: (config) => config.kubeletVersion,
  cannotRun: () => undefined,
  start: (policies, config) => startSimWorld(policies, config, config.containers),
};

export async function startSimWorld(policies: PolicyDefinition[], config: RunConfig, containers: ContainerOptions | undefined): Promise<StartedRunWorld> {
  // Loaded here, not at the top: list, validate and --help never load the Kubernetes client or testcontainers.
  const [{ startEnvironment }, { createSimNode }] = await Promise.all([
    import("../../environment/environment.js"),
    import("../../node/sim/create-sim-node.js"),
  ]);
  const environment = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), retain: config.retain, ...(containers ? { containers } : {}) });
  if (config.kubeletCallsDir) mkdirSync(config.kubeletCallsDir, { recursive: true });
  const nodesRoot = mkdtempSync(join(tmpdir(), "pullcheck-nodes-"));
  const removeNodes = () => rmSync(nodesRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  // Also when a signal ends the run before close (support/cleanup.ts).
  const forgetRemoval = onCleanup(`node folder ${nodesRoot}`, removeNodes);
  let nodeCount = 0;
  return {
    ...fixtureWorld(policies),
    environment,
    newClock: () => new VirtualClock(containers ? { stallAfterMs: CONTAINER_STALL_AFTER_MS } : {}),
    async createNode(options: NodeOptions) {
      nodeCount++;
      return await createSimNode({
        ...options,
        nodeName: `node-${nodeCount}`,
        nodeDir: join(nodesRoot, `node-${nodeCount}`),
        endpoint: environment.endpoint,
        fixture: (variant) => getFixture(variant),
        kubeletVersion: config.kubeletVersion,
        ...(config.kubeletCallsDir && isUpstreamPolicy(options.policy)
          ? { kubeletCalls: { policy: options.policy, file: join(config.kubeletCallsDir, `${fileSafe(options.scenario.id)}--${options.policy}.json`) } }
          : {}),
        requestLogCaughtUp: () => environment.flushRequests(),
      });
    },
    async close() {
      try {
        await environment.close();
      } finally {
        forgetRemoval();
        removeNodes();
      }
    },
  };
}
