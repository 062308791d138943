/**
 * The world of the kind backend: one kind cluster for the run (the pinned kind CLI, the chosen
 * node image), the environment as containers on the `kind` network, and containerd in the node
 * pointed at the run's Toxiproxy through kind-config/hosts.toml. Tests run one at a time, on the
 * real clock; each gets a namespace of its own and a node image store without the registry's
 * images (what the scenario preloads is pulled first, and those requests are not the test's).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startEnvironment } from "../../environment/environment.js";
import { RealClock } from "../../support/clock.js";
import type { PolicyDefinition } from "../../policy/policy-definition.js";
import { preloadedImages } from "../../scenario/scenario.js";
import { KindCluster } from "../../node/kind/kind-cluster.js";
import { KindNode } from "../../node/kind/kind-node.js";
import { type RunConfig } from "../run-config.js";
import { REPO_ROOT } from "../../support/repo-root.js";
import type { NodeOptions, StartedRunWorld } from "../run-world.js";
import { EnvironmentError } from "../../support/errors.js";
import { fixtureWorld } from "../fixture-world.js";
import type { Backend } from "./backend.js";
import type { KindRunOptions } from "./kind-options.js";

const KIND_BINARY = join(REPO_ROOT, ".tools", "bin", "kind");

/**
 * The node image used when --node-image is not given: Kubernetes 1.35, the release the simulation
 * models, as kind v0.31.0 published it (its default image, pkg/apis/config/defaults/image.go at
 * that tag), pinned by digest.
 */
export const DEFAULT_NODE_IMAGE = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

export const kind: Backend = {
  name: "kind",
  description: "a real kubelet in a kind cluster, on the real clock (needs Docker, make setup-kind and a node image)",
  // One cluster per run, one test at a time.
  concurrency: () => 1,
  testTimeoutMs: 30 * 60_000,
  cannotRun(test, config) {
    if (test.policy.kind !== "proposed" || config.kind?.supportedPolicies.includes(test.policy.name)) return undefined;
    return `the kubelet in ${config.kind?.nodeImage ?? "the node image"} does not know imagePullPolicy ${test.policy.name} (a node image declares support with the label dev.pullcheck.policies=${test.policy.name}; or pass --kind-policies ${test.policy.name})`;
  },
  start(policies, config) {
    if (!config.kind) throw new EnvironmentError("the kind backend was started without its options", "run it through the pullcheck CLI with --backend kind");
    return startKindWorld(policies, config, config.kind);
  },
};

/** The kind backend's options, read at the edge; fails early (with the fix) when the kind CLI is missing. */
export function kindRunOptions(nodeImage: string, policiesFlag: string | undefined): KindRunOptions {
  if (!existsSync(KIND_BINARY))
    throw new EnvironmentError(`the kind backend needs the kind CLI at ${KIND_BINARY}`, "run `make setup-kind` (it installs the pinned kind with go install)");
  let declared = "";
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore" });
    declared = execFileSync("docker", ["image", "inspect", "--format", '{{index .Config.Labels "dev.pullcheck.policies"}}', nodeImage], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    // No engine: kind will say so when it creates the cluster. No local image: kind pulls it.
  }
  const supportedPolicies = (policiesFlag ?? (declared === "<no value>" ? "" : declared))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return { nodeImage, clusterName: `pullcheck-${process.pid}`, supportedPolicies };
}

async function startKindWorld(policies: PolicyDefinition[], config: RunConfig, kind: KindRunOptions): Promise<StartedRunWorld> {
  const workDir = mkdtempSync(join(tmpdir(), "pullcheck-kind-"));
  const cluster = new KindCluster({
    kindBinary: KIND_BINARY,
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
    containers: { images: config.containerImages, network: "kind" },
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
