/**
 * A scenario's `spec.node.config` on a real kubelet: the settings it names, written over the
 * KubeletConfiguration kubeadm gave the node (/var/lib/kubelet/config.yaml), so the kind node
 * runs what the simulated kubelet runs. Settings the scenario leaves out keep the node's values
 * (kubeadm writes none of these; the kubelet's defaults are the simulation's).
 */
import { parse, stringify } from "yaml";
import type { NodeConfig } from "../../scenario/types.js";

export const KUBELET_CONFIG_FILE = "/var/lib/kubelet/config.yaml";

export function kubeletConfigFor(nodeDefault: string, config: NodeConfig | undefined): string {
  if (!config || Object.keys(config).length === 0) return nodeDefault;
  const document = (parse(nodeDefault) ?? {}) as Record<string, unknown>;
  const { featureGates, ...settings } = config;
  Object.assign(document, settings);
  if (featureGates) document.featureGates = { ...((document.featureGates as Record<string, boolean> | undefined) ?? {}), ...featureGates };
  return stringify(document);
}
