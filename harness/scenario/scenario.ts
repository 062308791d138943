/** The validated scenario (pullcheck/v1alpha1) the runner consumes. */
import type { Step } from "./steps/index.js";
import type { NodeConfig, RegistryImage } from "./types.js";
import { REGISTRY_HOST } from "./image-names.js";

export interface Scenario {
  /** Absolute path of the file. */
  file: string;
  /** metadata.name, or the path under the scenarios root without .yaml. */
  id: string;
  title?: string;
  description?: string;
  source?: string;
  tags?: string[];
  /** Only these policies, when given. */
  policies?: string[];
  /** The kubelet releases (major.minor) the expectations hold for, when they depend on it; a run against another release skips the scenario. */
  kubeletVersions?: string[];
  registry: { users: Record<string, string>; images: RegistryImage[] };
  node: { preloaded: string[]; config: NodeConfig };
  steps: Step[];
}

export interface ValidationContext {
  knownPolicies: string[];
  knownVariants: string[];
  scenariosRoot?: string;
}

/** The scenario's `node.preloaded` names as full references, with the fixture variant each names. */
export function preloadedImages(scenario: Scenario): { reference: string; variant: string }[] {
  return scenario.node.preloaded.flatMap((name) => {
    const image = scenario.registry.images.find((i) => `${i.repo}:${i.tag}` === name || i.repo === name);
    return image ? [{ reference: `${REGISTRY_HOST}/${image.repo}:${image.tag}`, variant: image.variant }] : [];
  });
}
