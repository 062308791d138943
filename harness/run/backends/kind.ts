/**
 * The world of the kind backend: one kind cluster for the run (the pinned kind CLI, the chosen
 * node image), the environment as containers on the `kind` network, and containerd in the node
 * pointed at the run's Toxiproxy through kind-config/hosts.toml. Tests run one at a time, on the
 * real clock; each gets a namespace of its own and a node image store without the registry's
 * images (what the scenario preloads is pulled first, and those requests are not the test's).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { kubernetesRelease } from "../../node/sim/kubelet/kubelet-version.js";
import { onCleanup } from "../../support/cleanup.js";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { RealClock } from "../../support/clock.js";
import { formatDuration } from "../../support/duration.js";
import type { PolicyDefinition } from "../../policy/policy-definition.js";
import { preloadedImages } from "../../scenario/scenario.js";
import type { KindCluster } from "../../node/kind/kind-cluster.js";
import type { KindNode } from "../../node/kind/kind-node.js";
import { type RunConfig } from "../run-config.js";
import { REPO_ROOT } from "../../support/repo-root.js";
import type { NodeOptions, StartedRunWorld } from "../run-world.js";
import { EnvironmentError } from "../../support/errors.js";
import { commandOutputOrUndefined } from "../../support/command.js";
import { fixtureWorld } from "../fixture-world.js";
import type { Backend } from "./backend.js";
import type { PlannedTest } from "../planned-test.js";
import type { KindRunOptions } from "./kind-options.js";
import { SharedKindCluster } from "./shared-kind-cluster.js";
import type { GateLogEntry } from "../../environment/gate/http-gate.js";

const KIND_BINARY = join(REPO_ROOT, ".tools", "bin", "kind");

/**
 * The node image used when --node-image is not given: Kubernetes 1.35, the release the simulation
 * models, as `make node-image` builds it offline. Where images can be pulled, kind's own works too:
 * kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f.
 */
export const DEFAULT_NODE_IMAGE = "pullcheck/node:v1.35.4";

/** The most real time a kind test may spend in `wait` steps; longer scenarios are skipped on kind, with the reason. */
export const KIND_MAX_WAIT_MS = 15 * 60_000;

/** Worker nodes when --kind-workers is not given: tests at once on a 2-core machine (see docs/kind.md, "Speed"). */
export const DEFAULT_KIND_WORKERS = 4;

export const kind: Backend = {
  name: "kind",
  description: "a real kubelet in a kind cluster, on the real clock (needs Docker, make setup-kind and a node image)",
  // One cluster per run, one test at a time on each of its test nodes.
  concurrency: (config) => Math.max(1, config.kind?.workers ?? 0),
  testTimeoutMs: 30 * 60_000,
  realTimeMs: (test) =>
    sum(waitsOf(test)) +
    sum(test.scenario.steps.map((step) => (step.kind === "expect" ? ((step.perPolicy[test.policy.name] ?? step.default)?.staysMs ?? 0) : 0))),
  // The node image's label dev.pullcheck.kubernetes=v1.35.4 → 1.35.
  kubeletRelease: (config) => kubernetesRelease(config.kind?.kubernetesVersion),
  cannotRun(test, config) {
    const waits = waitsOf(test);
    const waited = sum(waits);
    if (waited > KIND_MAX_WAIT_MS)
      return `it waits ${formatDuration(waited)} of real time on kind (${waits.map((ms) => `wait ${formatDuration(ms)}`).join(", ")}), more than the ${formatDuration(KIND_MAX_WAIT_MS)} a kind test may; the simulation runs it on its virtual clock`;
    if (test.policy.kind !== "proposed" || config.kind?.policyFile || config.kind?.supportedPolicies.includes(test.policy.name)) return undefined;
    return `the kubelet in ${config.kind?.nodeImage ?? "the node image"} does not know imagePullPolicy ${test.policy.name} (a node image declares support with the label dev.pullcheck.policies=${test.policy.name}; or pass --kind-policies ${test.policy.name})`;
  },
  start(policies, config) {
    if (!config.kind) throw new EnvironmentError("the kind backend was started without its options", "run it through the pullcheck CLI with --backend kind");
    return startKindWorld(policies, config, config.kind);
  },
};

/** The kind backend's options, read at the edge; fails early (with the fix) when the kind CLI is missing. */
export function kindRunOptions(nodeImage: string, policiesFlag: string | undefined, workers: number): KindRunOptions {
  if (!existsSync(KIND_BINARY))
    throw new EnvironmentError(`the kind backend needs the kind CLI at ${KIND_BINARY}`, "run `make setup-kind` (it installs the pinned kind with go install)");
  const declared = imageLabel(nodeImage, "dev.pullcheck.policies");
  const policyFile = imageLabel(nodeImage, "dev.pullcheck.policy-file");
  const supportedPolicies = (policiesFlag ?? declared ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const kubernetesVersion = imageLabel(nodeImage, "dev.pullcheck.kubernetes");
  const containerdVersion = imageLabel(nodeImage, "dev.pullcheck.containerd");
  return {
    nodeImage,
    clusterName: `pullcheck-${process.pid}`,
    supportedPolicies,
    workers,
    ...(policyFile ? { policyFile } : {}),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    ...(containerdVersion ? { containerdVersion } : {}),
  };
}

/** A label of a local image; undefined without an engine (kind will say so), without the image (kind pulls it) or without the label. */
function imageLabel(image: string, label: string): string | undefined {
  const value = commandOutputOrUndefined("docker", ["image", "inspect", "--format", `{{index .Config.Labels "${label}"}}`, image]);
  return value === "" || value === "<no value>" ? undefined : value;
}

const waitsOf = (test: PlannedTest) => test.scenario.steps.flatMap((step) => (step.kind === "wait" ? [step.ms] : []));
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The run's cluster, by name: every world of the run shares it. */
const clusters = new Map<string, SharedKindCluster>();

function sharedCluster(config: RunConfig, kind: KindRunOptions, Cluster: typeof KindCluster): SharedKindCluster {
  let shared = clusters.get(kind.clusterName);
  if (!shared) {
    const workDir = mkdtempSync(join(tmpdir(), "pullcheck-kind-"));
    const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
    const forgetWorkDir = config.retain ? () => {} : onCleanup(`kind folder ${workDir}`, removeWorkDir);
    shared = new SharedKindCluster(
      () =>
        new Cluster({
          kindBinary: KIND_BINARY,
          clusterName: kind.clusterName,
          nodeImage: kind.nodeImage,
          workers: kind.workers,
          workDir,
          retain: config.retain,
          ...(kind.containerdConfigTable ? { containerdConfigTable: kind.containerdConfigTable } : {}),
        }),
      () => {
        clusters.delete(kind.clusterName);
        forgetWorkDir();
        if (!config.retain) removeWorkDir();
      },
    );
    clusters.set(kind.clusterName, shared);
  }
  return shared;
}

async function startKindWorld(policies: PolicyDefinition[], config: RunConfig, kind: KindRunOptions): Promise<StartedRunWorld> {
  // Loaded here, not at the top: list, validate and --help never load the Kubernetes client or testcontainers.
  const [{ startEnvironment }, { KindCluster: Cluster }, { KindNode: Node }] = await Promise.all([
    import("../../environment/environment.js"),
    import("../../node/kind/kind-cluster.js"),
    import("../../node/kind/kind-node.js"),
  ]);
  const { cluster, node: nodeName, release } = await sharedCluster(config, kind, Cluster).claim();
  const environment = await startEnvironment({
    toolsDir: join(REPO_ROOT, ".tools", "bin"),
    retain: config.retain,
    containers: { images: config.containerImages, network: "kind" },
  }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  cluster.writeRegistryHost(nodeName, environment.networkEndpoint!);
  const nodeFiles = kind.policyFile ? [{ path: kind.policyFile, text: proposedPolicyFiles(policies) }] : [];
  let count = 0;
  let current: KindNode | undefined;
  const world = fixtureWorld(policies);
  return {
    ...world,
    environment,
    newClock: () => new RealClock(),
    async createNode({ timeline, scenario }: NodeOptions) {
      await cluster.resetNode(
        nodeName,
        preloadedImages(scenario).map((image) => ({ reference: image.reference, ...preloadCredentials(scenario.registry.users) })),
        scenario.node.config,
        nodeFiles,
      );
      current = new Node(cluster, nodeName, `pullcheck-${Date.now().toString(36)}-${++count}`, timeline, () => environment.flushRequests());
      await current.start();
      return current;
    },
    // containerd's requests do not say which pod they are for: the node matches them by time.
    toRequestObservation(entry, now) {
      const observation = world.toRequestObservation(entry, now);
      const pod = observation.pod ?? current?.podOfRequest(entry as GateLogEntry);
      return pod === observation.pod ? observation : { ...observation, pod, podMatchedByTime: true };
    },
    async exportLogs(target: string) {
      await cluster.exportLogs(target);
    },
    async close() {
      try {
        await environment.close();
      } finally {
        await release();
      }
    },
  };
}

/** The YAML of every proposed policy of the run, as written (several files become one stream of documents). */
function proposedPolicyFiles(policies: PolicyDefinition[]): string {
  const files = [...new Set(policies.flatMap((p) => (p.kind === "proposed" ? [p.file] : [])))];
  return files.map((file) => readFileSync(file, "utf8").replace(/^---\n/, "")).join("\n---\n");
}

/** A private registry's preloaded images are pulled into the node with the first user's password (how they got there is not the test's). */
function preloadCredentials(users: Record<string, string>): { credentials?: string } {
  const [user] = Object.entries(users);
  return user ? { credentials: `${user[0]}:${user[1]}` } : {};
}
