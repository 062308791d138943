/**
 * A kind cluster for a run: created with the pinned kind CLI (`make setup-kind`), deleted on close
 * unless retained; its logs exported on request (`kind export logs`).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand, runCommandSync } from "../../support/command.js";
import { EnvironmentError, errorMessage } from "../../support/errors.js";
import { onCleanup } from "../../support/cleanup.js";
import { retryUntil } from "../../support/retry-until.js";
import { kindNodeNames, renderClusterConfig, renderHostsToml } from "./kind-config.js";
import { KUBELET_CONFIG_FILE, kubeletConfigFor } from "./kubelet-config.js";
import type { NodeConfig } from "../../scenario/types.js";
import { registryImageIds } from "./kind-objects.js";
import { holdHostSysctls } from "./host-sysctls.js";
import { REGISTRY_HOST } from "../../scenario/image-names.js";

export interface KindClusterOptions {
  kindBinary: string;
  clusterName: string;
  nodeImage: string;
  /** The run's directory: cluster config, each node's certs.d, exported logs. */
  workDir: string;
  /** Worker nodes, each running one test at a time; 0 (the default) for one node that is also the control plane. */
  workers?: number;
  containerdConfigTable?: "v2" | "v3";
  retain?: boolean;
  /** The Docker CLI that runs commands in the node (tests give a recording one). */
  dockerBinary?: string;
  /** Where the host's sysctls are read and restored, and the host-wide record of them (tests give their own). */
  procSys?: string;
  sysctlRecordFile?: string;
}

/** A file written into a node while its kubelet is stopped (e.g. a kubelet fork's policy definitions). */
export interface NodeFile {
  path: string;
  text: string;
}

/** An image pulled into the node before the test; `credentials` ("user:password") when the registry is private. */
export interface PreloadedImage {
  reference: string;
  credentials?: string;
}

/** Where the kubelet keeps KEP-2535 pull intents and records (`<root dir>/image_manager`). */
const KUBELET_IMAGE_MANAGER_DIR = "/var/lib/kubelet/image_manager";
/**
 * The kubelet fork's own state: when the registry last confirmed each image
 * (fork/patches/*\/0002-candidatepolicy-decision.patch, DefaultVerificationLogFile). Left in
 * place, an earlier test's confirmation of the same fixture makes `contact: {ifOlderThan}` skip
 * the registry in the next test.
 */
const FORK_STATE_DIR = "/var/lib/kubelet/pullcheck";
const KUBELET_HEALTHZ = "http://127.0.0.1:10248/healthz";
const KUBELET_START_TIMEOUT_MS = 60_000;

export class KindCluster {
  /** The nodes that run the tests' pods (their container names, which are also their Kubernetes node names). */
  readonly testNodes: string[];
  private readonly certsDir: string;
  private kubeconfigText = "";
  /** The KubeletConfiguration kubeadm wrote, before any scenario's settings. */
  private kubeletConfig = "";
  private unregister: () => void = () => {};
  private releaseHostSysctls: (() => string[]) | undefined;

  constructor(private readonly options: KindClusterOptions) {
    if (!existsSync(options.kindBinary))
      throw new EnvironmentError(`the kind CLI is missing: ${options.kindBinary}`, "run `make setup-kind` (it installs the pinned kind with go install)");
    this.certsDir = join(options.workDir, "certs.d");
    const names = kindNodeNames(options.clusterName, options.workers ?? 0);
    this.testNodes = names.workers.length > 0 ? names.workers : [names.controlPlane];
  }

  get kubeconfig(): string {
    return this.kubeconfigText;
  }

  async create(): Promise<void> {
    const certsDirOf = (node: string) => {
      const dir = join(this.certsDir, node);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    const configFile = join(this.options.workDir, "kind-cluster.yaml");
    writeFileSync(
      configFile,
      renderClusterConfig({
        clusterName: this.options.clusterName,
        nodeImage: this.options.nodeImage,
        workers: this.options.workers ?? 0,
        certsDirOf,
        ...(this.options.containerdConfigTable ? { containerdConfigTable: this.options.containerdConfigTable } : {}),
      }),
    );
    this.releaseHostSysctls = holdHostSysctls({
      ...(this.options.procSys ? { procSys: this.options.procSys } : {}),
      ...(this.options.sysctlRecordFile ? { recordFile: this.options.sysctlRecordFile } : {}),
    });
    if (!this.options.retain) this.unregister = onCleanup(`kind cluster ${this.options.clusterName}`, () => this.deleteSync());
    try {
      await this.kind(["create", "cluster", "--name", this.options.clusterName, "--config", configFile, "--wait", "120s"]);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? errorMessage(error);
      throw new EnvironmentError(
        `kind could not create the cluster ${this.options.clusterName} from ${this.options.nodeImage}:\n${stderr.trim()}`,
        "is the node image on this machine (docker image inspect) or pullable? see docs/kind.md",
      );
    }
    this.kubeconfigText = await this.kind(["get", "kubeconfig", "--name", this.options.clusterName]);
    this.kubeletConfig = await this.exec(this.testNodes[0]!, ["cat", KUBELET_CONFIG_FILE]);
  }

  /** Sends the node's pulls for the registry host to `endpoint` (containerd reads it at each pull, no restart). */
  writeRegistryHost(node: string, endpoint: string): void {
    const dir = join(this.certsDir, node, REGISTRY_HOST);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hosts.toml"), renderHostsToml(endpoint));
  }

  /** Runs a command in a node container (crictl, systemctl). */
  async exec(node: string, command: string[]): Promise<string> {
    const hint = `in the kind node ${node}: is the cluster still running (docker ps)? \`--retain\` keeps it for a look after the run`;
    return (await runCommand(this.options.dockerBinary ?? "docker", ["exec", node, ...command], { hint })).stdout;
  }

  /**
   * Gives the next test the node the simulation gives it: no image from the registry host, the
   * scenario's `preload` images pulled (these requests are not the test's), and a kubelet that
   * starts from empty pull records (and, on the fork, an empty verification log). Without that, the records of an earlier test would vouch for
   * the same fixture digests and credentials. The kubelet is stopped meanwhile and started again
   * with the scenario's kubelet settings, and this returns when its health endpoint answers.
   */
  async resetNode(node: string, preload: PreloadedImage[], config: NodeConfig | undefined, files: NodeFile[] = []): Promise<void> {
    const exec = (command: string[]) => this.exec(node, command);
    await exec(["systemctl", "stop", "kubelet"]);
    await exec(["rm", "-rf", KUBELET_IMAGE_MANAGER_DIR, FORK_STATE_DIR]);
    for (const file of [{ path: KUBELET_CONFIG_FILE, text: kubeletConfigFor(this.kubeletConfig, config) }, ...files]) {
      const base64 = Buffer.from(file.text).toString("base64");
      await exec(["sh", "-c", `mkdir -p "$(dirname ${file.path})" && echo ${base64} | base64 -d > ${file.path}`]);
    }
    for (const id of registryImageIds(await exec(["crictl", "images", "-o", "json"]))) await exec(["crictl", "rmi", id]);
    for (const image of preload) await exec(["crictl", "pull", ...(image.credentials ? ["--creds", image.credentials] : []), image.reference]);
    await exec(["systemctl", "start", "kubelet"]);
    await this.waitForKubelet(node);
  }

  private async waitForKubelet(node: string): Promise<void> {
    await retryUntil(() => this.exec(node, ["curl", "-sf", KUBELET_HEALTHZ]), {
      timeoutMs: KUBELET_START_TIMEOUT_MS,
      intervalMs: 500,
      giveUp: (error) =>
        new EnvironmentError(
          `the kubelet in ${node} did not answer ${KUBELET_HEALTHZ} within ${KUBELET_START_TIMEOUT_MS / 1000} s after it was started again:\n${errorMessage(error)}`,
          "look at `journalctl -u kubelet` in the node (`--retain` keeps the cluster)",
        ),
    });
  }

  /**
   * The kind CLI, with a kubeconfig of the run's own: kind would otherwise add the cluster to
   * ~/.kube/config (and create that file) and change its current context.
   */
  private async kind(args: string[]): Promise<string> {
    return (await runCommand(this.options.kindBinary, args, { env: this.kindEnv() })).stdout;
  }

  private kindEnv(): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: join(this.options.workDir, "kubeconfig") };
  }

  async exportLogs(target: string): Promise<void> {
    await this.kind(["export", "logs", target, "--name", this.options.clusterName]);
  }

  async delete(): Promise<void> {
    if (this.options.retain) return;
    await this.kind(["delete", "cluster", "--name", this.options.clusterName]).catch(() => {});
    this.unregister();
    this.restoreHostSysctls();
  }

  /** The host's kernel settings as they were before any run's cluster, once no other run holds one (see host-sysctls.ts). */
  private restoreHostSysctls(): void {
    for (const line of this.releaseHostSysctls?.() ?? []) console.log(`pullcheck: host sysctl ${line}`);
    this.releaseHostSysctls = undefined;
  }

  private deleteSync(): void {
    try {
      runCommandSync(this.options.kindBinary, ["delete", "cluster", "--name", this.options.clusterName], { env: this.kindEnv() });
    } catch {
      // best effort on exit; `make clean` removes leftover kind clusters named pullcheck-*
    }
    this.restoreHostSysctls();
  }
}
