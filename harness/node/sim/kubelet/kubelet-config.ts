/**
 * The image-path part of a kubelet configuration as the kubelet loads it: defaulted while the
 * config file is decoded, with the file's own featureGates applied to the release's defaults
 * (pkg/kubelet/apis/config/v1beta1/defaults.go, SetDefaults_KubeletConfiguration's
 * localFeatureGate), then validated (pkg/kubelet/apis/config/validation/validation.go). A
 * configuration the kubelet would refuse gives its error texts.
 */
import type { NodeConfig } from "../../../scenario/types.js";
import { defaultPullerConfig, validatePullerConfig, type PullerConfig } from "./pullers.js";
import { nameAsWritten, parseReference } from "./pod-image-defaults.js";
import type { VersionBehaviour } from "./kubelet-version.js";
import type { VerificationPolicy } from "./pull-records.js";

export interface ImagePathConfig {
  puller: PullerConfig;
  /** The KubeletEnsureSecretPulledImages gate as the kubelet runs with it. */
  ensureSecretPulledImages: boolean;
  verificationPolicy: VerificationPolicy;
  allowlist: string[];
}

const GATE = "KubeletEnsureSecretPulledImages";

export function loadImagePathConfig(config: NodeConfig, behaviour: VersionBehaviour): { config: ImagePathConfig } | { errors: string[] } {
  const puller = defaultPullerConfig(config);
  const gate = config.featureGates?.[GATE] ?? behaviour.ensureSecretPulledImages;
  const policy = config.imagePullCredentialsVerificationPolicy ?? (gate ? "NeverVerifyPreloadedImages" : undefined);
  const allowlist = config.preloadedImagesVerificationAllowlist ?? [];
  const errors = [...validatePullerConfig(puller), ...(gate ? verificationErrors(policy, allowlist, behaviour) : gateOffErrors(policy, allowlist))];
  if (errors.length > 0) return { errors };
  return { config: { puller, ensureSecretPulledImages: gate, verificationPolicy: policy ?? "NeverVerify", allowlist } };
}

const POLICIES = ["NeverVerify", "NeverVerifyPreloadedImages", "NeverVerifyAllowlistedImages", "AlwaysVerify"];

function verificationErrors(policy: string | undefined, allowlist: string[], behaviour: VersionBehaviour): string[] {
  if (!POLICIES.includes(policy ?? "")) {
    const options = POLICIES.map((p) => JSON.stringify(p));
    return [
      `invalid configuration: option ${JSON.stringify(policy ?? "")} specified for imagePullCredentialsVerificationPolicy. Valid options are ${options.slice(0, -1).join(", ")} or ${options.at(-1)}`,
    ];
  }
  if (allowlist.length > 0 && policy !== "NeverVerifyAllowlistedImages") {
    return [
      'invalid configuration: can\'t set `preloadedImagesVerificationAllowlist` if `imagePullCredentialsVertificationPolicy` is not "NeverVerifyAllowlistedImages"',
    ];
  }
  for (const pattern of allowlist) {
    const problem = patternProblem(pattern, behaviour);
    if (problem) return [`invalid configuration: invalid image pattern in \`preloadedImagesVerificationAllowlist\`: ${problem}`];
  }
  return [];
}

function gateOffErrors(policy: string | undefined, allowlist: string[]): string[] {
  return [
    ...(policy ? [`invalid configuration: \`imagePullCredentialsVerificationPolicy\` must not be set if ${GATE} feature gate is not enabled`] : []),
    ...(allowlist.length > 0 ? [`invalid configuration: \`preloadedImagesVerificationAllowlist\` must not be set if ${GATE} feature gate is not enabled`] : []),
  ];
}

/**
 * getAllowlistImagePattern (pkg/kubelet/images/pullmanager/image_pull_policies.go): a pattern is a
 * repository, or a prefix ending in "/*". 1.35 wants the repository fully normalized
 * (ParseNormalizedNamed(p).Name() == p, so `nginx` is refused); 1.36+ only refuses a tag or digest.
 */
function patternProblem(pattern: string, behaviour: VersionBehaviour): string | undefined {
  if (pattern !== pattern.trim()) return `leading/trailing spaces are not allowed: ${pattern}`;
  const wildcard = pattern.endsWith("/*");
  const trimmed = wildcard ? pattern.slice(0, -1) : pattern;
  if (trimmed.length === 0) return `the supplied pattern is too short: ${pattern}`;
  if (trimmed.includes("*")) return `not a valid wildcard pattern, only patterns ending with '/*' are allowed: ${pattern}`;
  if (wildcard) return trimmed.length === 1 ? "at least registry hostname is required" : undefined;
  let name: string | undefined;
  if (behaviour.imageNamesAsWritten) name = nameAsWritten(pattern);
  else {
    try {
      name = parseReference(pattern).repository;
    } catch (error) {
      return `failed to parse as an image name: ${(error as Error).message}`;
    }
  }
  if (name === undefined) {
    const reason = nameAsWritten(pattern.toLowerCase()) === undefined ? "invalid reference format" : "repository name must be lowercase";
    return `failed to parse as an image name: ${reason}`;
  }
  return name === pattern ? undefined : `neither tag nor digest is accepted in an image reference: ${pattern}`;
}
