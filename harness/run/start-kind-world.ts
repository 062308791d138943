/**
 * The world of the kind backend: one kind cluster for the run (the pinned kind CLI, the chosen
 * node image), the environment as containers on the `kind` network, and containerd in the node
 * pointed at the run's Toxiproxy through kind-config/hosts.toml. Tests run one at a time, on the
 * real clock; each gets a namespace of its own and a node image store without the registry's
 * images (what the scenario preloads is pulled first, and those requests are not the test's).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startEnvironment } from "../environment/environment.js";
import { DEFAULT_CONTAINER_IMAGES } from "../environment/container-parts.js";
import { RealClock } from "../support/clock.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { preloadedImages } from "../node/node-under-test.js";
import { KindCluster } from "../node/kind/kind-cluster.js";
import { KindNode } from "../node/kind/kind-node.js";
import { REPO_ROOT, type RunConfig } from "./run-config.js";
import type { NodeOptions } from "./run-world.js";
import type { StartedRunWorld } from "./start-run-world.js";
import { fixtureWorld } from "./fixture-world.js";

export interface KindRunOptions {
  nodeImage: string;
  clusterName: string;
  /** Proposed policies the node image's kubelet knows (its label dev.pullcheck.policies, or --kind-policies). */
  supportedPolicies: string[];
  containerdConfigTable?: "v2" | "v3";
}

export async function startKindWorld(policies: PolicyDefinition[], config: RunConfig, kind: KindRunOptions): Promise<StartedRunWorld> {
  const workDir = mkdtempSync(join(tmpdir(), "pullcheck-kind-"));
  const cluster = new KindCluster({
    kindBinary: join(REPO_ROOT, ".tools", "bin", "kind"),
    clusterName: kind.clusterName,
    nodeImage: kind.nodeImage,
    workDir,
    retain: config.retain,
    ...(kind.containerdConfigTable ? { containerdConfigTable: kind.containerdConfigTable } : {}),
  });
  try {
    await cluster.create();
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const environment = await startEnvironment({
    toolsDir: join(REPO_ROOT, ".tools", "bin"),
    retain: config.retain,
    containers: { images: config.containers?.images ?? DEFAULT_CONTAINER_IMAGES, network: "kind" },
  }).catch(async (error: unknown) => {
    await cluster.delete();
    throw error;
  });
  cluster.writeRegistryHost(environment.networkEndpoint!);
  let count = 0;
  return {
    ...fixtureWorld(policies),
    environment,
    newClock: () => new RealClock(),
    async createNode({ timeline, scenario }: NodeOptions) {
      await cluster.resetNode(preloadedImages(scenario).map((image) => image.reference));
      const node = new KindNode(cluster, `pullcheck-${Date.now().toString(36)}-${++count}`, timeline);
      await node.start();
      return node;
    },
    async exportLogs(target: string) {
      await cluster.exportLogs(target);
    },
    async close() {
      try {
        await environment.close();
      } finally {
        await cluster.delete();
        if (!config.retain) rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
