/**
 * The kubelet releases whose image-path behaviour the simulation can reproduce, and what differs
 * between them (release attribution of 1.32 is inferred from PR merge dates).
 */
export const KUBELET_VERSIONS = ["1.37", "1.36", "1.35", "1.34", "1.31"] as const;
export type KubeletVersion = (typeof KUBELET_VERSIONS)[number];

/**
 * What a run reproduces unless told otherwise: the newest release the oracle covers. A run with a
 * kind backend reproduces its node image's release instead (cli/run-options.ts), so that the
 * simulation and the real kubelet are compared like for like.
 */
export const DEFAULT_KUBELET_VERSION: KubeletVersion = "1.37";

/** The release (major.minor) of a Kubernetes version such as "v1.35.4". */
export function kubernetesRelease(version: string | undefined): string | undefined {
  return /^v?(\d+\.\d+)/.exec(version ?? "")?.[1];
}

/** The modelled release of a Kubernetes version such as "v1.35.4", if it is one. */
export function modelledRelease(version: string | undefined): KubeletVersion | undefined {
  const release = kubernetesRelease(version);
  return (KUBELET_VERSIONS as readonly string[]).includes(release ?? "") ? (release as KubeletVersion) : undefined;
}

export interface VersionBehaviour {
  /** KubeletEnsureSecretPulledImages on by default (beta in 1.35). */
  ensureSecretPulledImages: boolean;
  /** imagePullPrecheck (1.32+): no image lookup for Always. */
  skipLookupForAlways: boolean;
  /** The back-off message carries the previous error (1.32+). */
  backOffCarriesPreviousError: boolean;
  /**
   * KEP-2535 names an image by its name as written, tag and digest cut off, both for the
   * verification allowlist and for the pulled record's credential key (1.36+: trimImageTagDigest
   * over distribution/reference Parse). 1.35 matches the allowlist against the whole image string
   * and keys records by the normalized name (parsers.ParseImageName).
   */
  imageNamesAsWritten: boolean;
}

export function behaviourOf(version: KubeletVersion): VersionBehaviour {
  return {
    ensureSecretPulledImages: version !== "1.34" && version !== "1.31",
    skipLookupForAlways: version !== "1.31",
    backOffCarriesPreviousError: version !== "1.31",
    imageNamesAsWritten: version === "1.36" || version === "1.37",
  };
}
