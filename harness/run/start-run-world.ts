/**
 * Starts what every test of a run shares (the environment: registry, Toxiproxy, gate) and binds
 * the fixtures, the policies and the node factory into a RunWorld. Closed once, after all tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startEnvironment } from "../environment/environment.js";
import { VirtualClock } from "../support/clock.js";
import { getFixture } from "../registry/fixtures/catalog.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { createSimNode } from "../node/sim/sim-node.js";
import { REPO_ROOT, type RunConfig } from "./run-config.js";
import type { NodeOptions, RunWorld } from "./run-world.js";
import { fixtureWorld } from "./fixture-world.js";

export interface StartedRunWorld extends RunWorld {
  /** kind only: `kind export logs` into `target` (for a failed test's report). */
  exportLogs?(target: string): Promise<void>;
  close(): Promise<void>;
}

const CONTAINER_STALL_AFTER_MS = 3_000;

export async function startRunWorld(policies: PolicyDefinition[], config: RunConfig): Promise<StartedRunWorld> {
  const environment = await startEnvironment({
    toolsDir: join(REPO_ROOT, ".tools", "bin"),
    retain: config.retain,
    ...(config.containers ? { containers: config.containers } : {}),
  });
  const nodesRoot = mkdtempSync(join(tmpdir(), "pullcheck-nodes-"));
  let nodeCount = 0;
  const world: StartedRunWorld = {
    ...fixtureWorld(policies),
    environment,
    // Containers answer more slowly than local processes, most of all with four tests at once:
    // a request must go quiet for longer before the clock treats it as hanging.
    newClock: () => new VirtualClock(config.containers ? { stallAfterMs: CONTAINER_STALL_AFTER_MS } : {}),
    async createNode(options: NodeOptions) {
      nodeCount++;
      return await createSimNode({
        ...options,
        nodeName: `node-${nodeCount}`,
        nodeDir: join(nodesRoot, `node-${nodeCount}`),
        endpoint: environment.endpoint,
        fixture: (variant) => getFixture(variant),
        kubeletVersion: config.kubeletVersion,
        requestLogCaughtUp: () => environment.flushRequests(),
      });
    },
    async close() {
      try {
        await environment.close();
      } finally {
        rmSync(nodesRoot, { recursive: true, force: true });
      }
    },
  };
  return world;
}
