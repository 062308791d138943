/**
 * Renders kind-config/cluster.yaml and kind-config/hosts.toml.
 *
 * The CRI registry table is `plugins."io.containerd.grpc.v1.cri".registry` in the `version = 2`
 * config kind's node images ship (kind images/base/files/etc/containerd/config.toml, v0.31.0 and
 * v0.33.0), and `plugins."io.containerd.cri.v1.images".registry` in containerd 2's native
 * `version = 3` format; `containerdConfigTable: "v3"` renders the latter. Not seen in a running
 * node (no node image can be pulled where this was written).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../support/repo-root.js";

export const KIND_CONFIG_DIR = join(REPO_ROOT, "kind-config");

export interface ClusterConfigInput {
  clusterName: string;
  nodeImage: string;
  /** Host folder mounted as the node's /etc/containerd/certs.d. */
  certsDir: string;
  containerdConfigTable?: "v2" | "v3";
}

export function renderClusterConfig(input: ClusterConfigInput): string {
  const text = fill(readFileSync(join(KIND_CONFIG_DIR, "cluster.yaml"), "utf8"), {
    clusterName: input.clusterName,
    nodeImage: input.nodeImage,
    certsDir: input.certsDir,
  });
  return input.containerdConfigTable === "v3"
    ? text.replace('plugins."io.containerd.grpc.v1.cri".registry', 'plugins."io.containerd.cri.v1.images".registry')
    : text;
}

/**
 * The registry host's hosts.toml: `endpoint` (host:port on the kind network) is its only server.
 * Pull-secret credentials still reach it: the kubelet sends them without a ServerAddress
 * (pkg/credentialprovider/keyring.go, BasicDockerKeyring.Add), and containerd's CRI ParseAuth
 * only withholds credentials from a host that differs from a ServerAddress that is set.
 */
export function renderHostsToml(endpoint: string): string {
  return fill(readFileSync(join(KIND_CONFIG_DIR, "hosts.toml"), "utf8"), { endpoint });
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`kind-config template needs a value for ${key}`);
    if (/["\n]/.test(value)) throw new Error(`kind-config value for ${key} must not contain quotes or newlines: ${JSON.stringify(value)}`);
    return value;
  });
}
