/**
 * Who sent a registry request, as the simulated node writes it into its User-Agent and the gate
 * reads it back: "pullcheck-node/<node>" and, for a pod's pulls, "pod/<namespace>/<name>".
 * Read strictly (whole tokens, exactly these segments, Kubernetes name characters), so that a
 * pod name with a slash cannot pass for another pod.
 */
const NAME = "[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?";
const POD_TOKEN = new RegExp(`^pod/(${NAME})/(${NAME})$`);
const NODE_TOKEN = new RegExp(`^pullcheck-node/(${NAME})$`);

/** A Kubernetes object name (a DNS-1123 subdomain), as pod names must be. */
export const KUBERNETES_NAME = new RegExp(`^${NAME}$`);

export function podRequester(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

export function nodeRequester(node: string): string {
  return `pullcheck-node/${node}`;
}

export function parseRequester(userAgent: string): { node: string | undefined; pod: string | undefined } {
  const tokens = userAgent.split(/\s+/);
  const pods = tokens.flatMap((token) => POD_TOKEN.exec(token)?.[2] ?? []);
  const nodes = tokens.flatMap((token) => NODE_TOKEN.exec(token)?.[1] ?? []);
  // Two claims in one User-Agent name nobody for sure.
  return { node: nodes.length === 1 ? nodes[0] : undefined, pod: pods.length === 1 ? pods[0] : undefined };
}
