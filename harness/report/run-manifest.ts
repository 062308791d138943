/**
 * What a run was made of, for the report's environment: the pullcheck commit, the kubelet release
 * the simulation reproduces, the node image and what it carries, the registry and Toxiproxy builds.
 * Written once per run next to the cells (results/run.json), read by `pullcheck report`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandOutputOrUndefined } from "../support/command.js";
import { REPO_ROOT } from "../support/repo-root.js";

export const RUN_MANIFEST_FILE = "run.json";

export interface RunManifest {
  pullcheckCommit: string;
  simulatedKubelet: string;
  backends: string[];
  registry: string;
  toxiproxy: string;
  nodeImage?: string;
  nodeKubernetes?: string;
  nodeContainerd?: string;
}

/** The parts of a run's configuration the manifest records (a RunConfig has them). */
export interface ManifestSource {
  kubeletVersion: string;
  backends: string[];
  resultsDir: string;
  kind?: { nodeImage: string; kubernetesVersion?: string; containerdVersion?: string };
}

export function writeRunManifest(config: ManifestSource): RunManifest {
  const tools = join(REPO_ROOT, ".tools", "bin");
  const manifest: RunManifest = {
    pullcheckCommit: commandOutputOrUndefined("git", ["-C", REPO_ROOT, "rev-parse", "--short=12", "HEAD"]) ?? "unknown (not a git checkout)",
    simulatedKubelet: config.kubeletVersion,
    backends: config.backends,
    registry: moduleVersion(join(tools, "registry"), "github.com/distribution/distribution/v3"),
    toxiproxy: moduleVersion(join(tools, "toxiproxy-server"), "github.com/Shopify/toxiproxy/v2"),
    ...(config.kind
      ? {
          nodeImage: config.kind.nodeImage,
          ...(config.kind.kubernetesVersion ? { nodeKubernetes: config.kind.kubernetesVersion } : {}),
          ...(config.kind.containerdVersion ? { nodeContainerd: config.kind.containerdVersion } : {}),
        }
      : {}),
  };
  mkdirSync(config.resultsDir, { recursive: true });
  writeFileSync(join(config.resultsDir, RUN_MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

export function readRunManifest(resultsDir: string): RunManifest | undefined {
  const file = join(resultsDir, RUN_MANIFEST_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as RunManifest) : undefined;
}

/** The module version a Go binary was built from (`go version -m`); its own --version says only "git" for Toxiproxy. */
function moduleVersion(binary: string, module: string): string {
  if (!existsSync(binary)) return "not installed";
  const info = commandOutputOrUndefined("go", ["version", "-m", binary]);
  const line = info?.split("\n").find((l) => l.trim().startsWith(`mod\t${module}\t`) || l.trim().startsWith(`mod ${module} `));
  return line?.trim().split(/\s+/)[2] ?? "unknown";
}
