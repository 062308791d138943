/**
 * A kind cluster for a run: created with the pinned kind CLI (`make setup-kind`), deleted on close
 * unless retained; its logs exported on request (`kind export logs`).
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { EnvironmentError, errorMessage } from "../../support/errors.js";
import { onCleanup } from "../../support/cleanup.js";
import { renderClusterConfig, renderHostsToml } from "./kind-config.js";
import { REGISTRY_HOST } from "../node-under-test.js";

const run = promisify(execFile);

export interface KindClusterOptions {
  kindBinary: string;
  clusterName: string;
  nodeImage: string;
  /** The run's directory: cluster config, the node's certs.d, exported logs. */
  workDir: string;
  containerdConfigTable?: "v2" | "v3";
  retain?: boolean;
}

export class KindCluster {
  readonly certsDir: string;
  private kubeconfigText = "";
  private unregister: () => void = () => {};

  constructor(private readonly options: KindClusterOptions) {
    if (!existsSync(options.kindBinary)) throw new EnvironmentError(`the kind CLI is missing: ${options.kindBinary}`, "run `make setup-kind` (it installs the pinned kind with go install)");
    this.certsDir = join(options.workDir, "certs.d");
  }

  /** The control-plane node's container name (kind names it <cluster>-control-plane). */
  get nodeContainer(): string {
    return `${this.options.clusterName}-control-plane`;
  }

  get kubeconfig(): string {
    return this.kubeconfigText;
  }

  async create(): Promise<void> {
    mkdirSync(this.certsDir, { recursive: true });
    const configFile = join(this.options.workDir, "kind-cluster.yaml");
    writeFileSync(configFile, renderClusterConfig({ clusterName: this.options.clusterName, nodeImage: this.options.nodeImage, certsDir: this.certsDir, containerdConfigTable: this.options.containerdConfigTable }));
    if (!this.options.retain) this.unregister = onCleanup(() => this.deleteSync());
    try {
      await run(this.options.kindBinary, ["create", "cluster", "--name", this.options.clusterName, "--config", configFile, "--wait", "120s"], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? errorMessage(error);
      throw new EnvironmentError(`kind could not create the cluster ${this.options.clusterName} from ${this.options.nodeImage}:\n${stderr.trim()}`, "is the node image on this machine (docker image inspect) or pullable? see docs/kind.md");
    }
    this.kubeconfigText = (await run(this.options.kindBinary, ["get", "kubeconfig", "--name", this.options.clusterName])).stdout;
  }

  /** Points the node's containerd at `mirrorEndpoint` for the registry host (read at each pull, no restart). */
  writeMirror(mirrorEndpoint: string): void {
    const dir = join(this.certsDir, REGISTRY_HOST);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hosts.toml"), renderHostsToml(REGISTRY_HOST, mirrorEndpoint));
  }

  /** Runs a command in the node container (crictl, systemctl). */
  async exec(command: string[]): Promise<string> {
    const { stdout } = await run("docker", ["exec", this.nodeContainer, ...command]);
    return stdout;
  }

  async exportLogs(target: string): Promise<void> {
    await run(this.options.kindBinary, ["export", "logs", target, "--name", this.options.clusterName], { maxBuffer: 16 * 1024 * 1024 });
  }

  async delete(): Promise<void> {
    if (this.options.retain) return;
    await run(this.options.kindBinary, ["delete", "cluster", "--name", this.options.clusterName]).catch(() => {});
    this.unregister();
  }

  private deleteSync(): void {
    try {
      execFileSync(this.options.kindBinary, ["delete", "cluster", "--name", this.options.clusterName], { stdio: "ignore" });
    } catch {
      // best effort on exit; `make clean` removes leftover kind clusters named pullcheck-*
    }
  }
}
