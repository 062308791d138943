/**
 * What the Allure configuration (allurerc.mjs) is told about a run: the versions for its
 * environment widget (one environment per backend when the run has several), the cells where
 * backends disagree (the "Simulation ≠ kubelet" category), the matrix page and the history file.
 */
import type { RunManifest } from "./run-manifest.js";
import type { Matrix } from "./matrix.js";

export interface AllureContext {
  variables: Record<string, string>;
  backends: Record<string, Record<string, string>>;
  disagreements: Array<{ scenario: string; policy: string }>;
  matrixFile?: string;
  historyFile: string;
}

export function allureContext(manifest: RunManifest | undefined, matrix: Matrix | undefined, files: { matrix?: string; history: string }): AllureContext {
  const backends = Object.fromEntries((manifest?.backends ?? []).map((backend) => [backend, backendVariables(backend, manifest!)]));
  const shared: Record<string, string> = manifest
    ? { "pullcheck commit": manifest.pullcheckCommit, registry: `Distribution ${manifest.registry}`, Toxiproxy: manifest.toxiproxy }
    : {};
  // One backend: no environments to choose between, so its versions go with the others.
  const single = Object.keys(backends).length === 1 ? Object.values(backends)[0] : {};
  return {
    variables: { ...shared, ...single },
    backends: Object.keys(backends).length > 1 ? backends : {},
    disagreements: (matrix?.disagreements ?? []).map(({ scenario, policy }) => ({ scenario, policy })),
    ...(files.matrix ? { matrixFile: files.matrix } : {}),
    historyFile: files.history,
  };
}

function backendVariables(backend: string, manifest: RunManifest): Record<string, string> {
  if (backend !== "kind") return { backend, kubelet: `simulation of the ${manifest.simulatedKubelet} kubelet` };
  return {
    backend,
    kubelet: manifest.nodeKubernetes ?? "unknown (the node image has no dev.pullcheck.kubernetes label)",
    "node image": manifest.nodeImage ?? "unknown",
    containerd: manifest.nodeContainerd ?? "unknown",
  };
}
