/**
 * The kubelet releases whose image-path behaviour the simulation can reproduce, and what differs
 * between them (release attribution of 1.32 is inferred from PR merge dates).
 */
export const KUBELET_VERSIONS = ["1.35", "1.34", "1.31"] as const;
export type KubeletVersion = (typeof KUBELET_VERSIONS)[number];

export interface VersionBehaviour {
  /** KubeletEnsureSecretPulledImages on by default (beta in 1.35). */
  ensureSecretPulledImages: boolean;
  /** imagePullPrecheck (1.32+): no image lookup for Always. */
  skipLookupForAlways: boolean;
  /** The back-off message carries the previous error (1.32+). */
  backOffCarriesPreviousError: boolean;
}

export function behaviourOf(version: KubeletVersion): VersionBehaviour {
  return {
    ensureSecretPulledImages: version === "1.35",
    skipLookupForAlways: version !== "1.31",
    backOffCarriesPreviousError: version !== "1.31",
  };
}
