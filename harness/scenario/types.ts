/** The validated scenario model (pullcheck/v1alpha1) the runner consumes. */
import type { FaultSpec } from "../faults/fault-spec.js";

export interface ImageRef {
  /** As written in the scenario: "app:latest", "app@v1", "app", or an intentionally invalid name. */
  raw: string;
}

export interface RegistryImage {
  repo: string;
  tag: string;
  variant: string;
}

export interface NodeConfig {
  serializeImagePulls?: boolean;
  maxParallelImagePulls?: number;
  registryPullQPS?: number;
  registryBurst?: number;
  imagePullCredentialsVerificationPolicy?: "NeverVerify" | "NeverVerifyPreloadedImages" | "NeverVerifyAllowlistedImages" | "AlwaysVerify";
  preloadedImagesVerificationAllowlist?: string[];
  featureGates?: Record<string, boolean>;
}

export interface Outcome {
  running?: string;
  waiting?: string;
  message?: string;
  events?: string[];
  noEvents?: string[];
  requests?: { manifestHead?: number; manifestGet?: number; blobGet?: number };
  withinMs?: number;
  staysMs?: number;
}

export type Step = { line: number | undefined } & (
  | { kind: "run"; pod: string; image: ImageRef; policy?: string; secret?: { user: string; password?: string } }
  | { kind: "delete"; pod: string }
  | { kind: "expect"; pod: string; default?: Outcome; perPolicy: Record<string, Outcome> }
  | { kind: "push"; images: RegistryImage[] }
  | { kind: "untag"; repo: string; tag: string }
  | { kind: "backup"; name: string }
  | { kind: "restore"; name: string }
  | { kind: "grant"; users: Record<string, string> }
  | { kind: "revoke"; user: string }
  | { kind: "fault"; fault: FaultSpec }
  | { kind: "heal" }
  | { kind: "wait"; ms: number }
  | { kind: "gc"; image: string }
  | { kind: "restart"; target: "kubelet" }
);

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
  registry: { users: Record<string, string>; images: RegistryImage[] };
  node: { preloaded: string[]; config: NodeConfig };
  steps: Step[];
}

export interface ValidationContext {
  knownPolicies: string[];
  knownVariants: string[];
  scenariosRoot?: string;
}
