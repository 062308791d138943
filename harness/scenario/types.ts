/** The parts of a scenario (pullcheck/v1alpha1) that steps and outcomes are made of. */

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
