/**
 * Renders kind-config/cluster.yaml and kind-config/hosts.toml.
 *
 * The CRI registry table is `plugins."io.containerd.grpc.v1.cri".registry` in the `version = 2`
 * config kind's node images ship (kind images/base/files/etc/containerd/config.toml, v0.31.0 and
 * v0.33.0), and `plugins."io.containerd.cri.v1.images".registry` in containerd 2's native
 * `version = 3` format; `containerdConfigTable: "v3"` renders the latter. The offline node image
 * (images/node) ships a `version = 2` config, like kind's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../support/repo-root.js";

export const KIND_CONFIG_DIR = join(REPO_ROOT, "kind-config");

export interface ClusterConfigInput {
  clusterName: string;
  nodeImage: string;
  /** Worker nodes; 0 for one control-plane node that runs the pods. */
  workers: number;
  /** Host folder mounted as a node's /etc/containerd/certs.d, by the node's container name. */
  certsDirOf: (node: string) => string;
  containerdConfigTable?: "v2" | "v3";
}

/** The node containers kind creates for `workers` workers: <cluster>-control-plane, <cluster>-worker, <cluster>-worker2, … */
export function kindNodeNames(clusterName: string, workers: number): { controlPlane: string; workers: string[] } {
  return {
    controlPlane: `${clusterName}-control-plane`,
    workers: Array.from({ length: workers }, (_, i) => `${clusterName}-worker${i === 0 ? "" : i + 1}`),
  };
}

export function renderClusterConfig(input: ClusterConfigInput): string {
  const config = parse(readFileSync(join(KIND_CONFIG_DIR, "cluster.yaml"), "utf8")) as { containerdConfigPatches: string[] } & Record<string, unknown>;
  const names = kindNodeNames(input.clusterName, input.workers);
  const node = (role: "control-plane" | "worker", name: string) => ({
    role,
    image: input.nodeImage,
    extraMounts: [{ hostPath: input.certsDirOf(name), containerPath: "/etc/containerd/certs.d", readOnly: true }],
  });
  const patches =
    input.containerdConfigTable === "v3"
      ? config.containerdConfigPatches.map((p) => p.replace('plugins."io.containerd.grpc.v1.cri".registry', 'plugins."io.containerd.cri.v1.images".registry'))
      : config.containerdConfigPatches;
  return stringify({
    kind: config.kind,
    apiVersion: config.apiVersion,
    name: input.clusterName,
    containerdConfigPatches: patches,
    nodes: [node("control-plane", names.controlPlane), ...names.workers.map((name) => node("worker", name))],
  });
}

/**
 * The registry host's hosts.toml: `endpoint` (host:port on the kind network) is its only server.
 * Pull-secret credentials still reach it: the kubelet sends them without a ServerAddress
 * (pkg/credentialprovider/keyring.go, BasicDockerKeyring.Add), and containerd's CRI ParseAuth
 * only withholds credentials from a host that differs from a ServerAddress that is set.
 */
export function renderHostsToml(endpoint: string): string {
  if (!/^[A-Za-z0-9.-]+:\d+$/.test(endpoint)) throw new Error(`a registry endpoint is host:port, got ${JSON.stringify(endpoint)}`);
  return readFileSync(join(KIND_CONFIG_DIR, "hosts.toml"), "utf8").replace("{{endpoint}}", endpoint);
}
