/**
 * One kubelet's image-path state: the image back-off and remembered errors (lost on restart),
 * the puller, and the KEP-2535 pull records (on disk, kept across restarts). The sim node builds
 * a new one on `restart: kubelet`. Candidate policies are known by name, each with its hook.
 */
import type { Clock } from "../../../support/clock.js";
import type { NodeConfig } from "../../../scenario/types.js";
import { isUpstreamPolicy } from "../../../policy/policy-definition.js";
import type { ImageService } from "../cri.js";
import { BackOff } from "./back-off.js";
import { applyDefaultImageTag } from "./pod-image-defaults.js";
import { ImageManager, type EnsureOutcome, type PodCredentials } from "./image-manager.js";
import { Puller, defaultPullerConfig, validatePullerConfig } from "./pullers.js";
import { PullRecords, credentialHash } from "./pull-records.js";
import { behaviourOf, type KubeletVersion } from "./kubelet-version.js";
import type { PullPolicyHook } from "./pull-policy-hook.js";

export { defaultPullPolicy } from "./pod-image-defaults.js";

/** pkg/kubelet/kubelet.go: imageBackOffPeriod = 10s, MaxImageBackOff = 300s. */
export const IMAGE_BACK_OFF_INITIAL_MS = 10_000;
export const IMAGE_BACK_OFF_MAX_MS = 300_000;

export interface SimPod {
  name: string;
  namespace: string;
  uid: string;
  containerName: string;
  image: string;
  pullSecrets: Array<{ uid: string; namespace: string; name: string; username: string; password: string }>;
}

export interface KubeletOptions {
  clock: Clock;
  images: ImageService;
  config: NodeConfig;
  rootDir: string;
  version: KubeletVersion;
  /** The candidate policies this kubelet runs, by the name a pod's imagePullPolicy carries. */
  policyHooks?: ReadonlyMap<string, PullPolicyHook>;
  /** An event about `pod`, the pod whose sync recorded it (a deleted one too: its pull goes on). */
  onEvent: (pod: SimPod, type: "Normal" | "Warning", reason: string, message: string) => void;
}

export interface Kubelet {
  applyDefaultImageTag(pod: SimPod): { image: string } | { error: { reason: string; message: string } };
  ensureImageExists(pod: SimPod, policy: string, images: ImageService): Promise<EnsureOutcome>;
  event(pod: SimPod, type: "Normal" | "Warning", reason: string, message: string): void;
}

export function createKubelet(options: KubeletOptions): Kubelet {
  const config = options.config;
  const pullerConfig = defaultPullerConfig(config);
  const invalid = validatePullerConfig(pullerConfig);
  if (invalid.length > 0) throw new Error(invalid.join("; "));
  const backOff = new BackOff(IMAGE_BACK_OFF_INITIAL_MS, IMAGE_BACK_OFF_MAX_MS);
  const previousErrors = new Map<string, string>();
  const behaviour = behaviourOf(options.version);
  const records = new PullRecords(
    options.rootDir,
    config.imagePullCredentialsVerificationPolicy ?? "NeverVerifyPreloadedImages",
    config.preloadedImagesVerificationAllowlist ?? [],
    () => options.clock.now(),
    behaviour.imageNamesAsWritten,
  );
  const manager = new ImageManager(options.clock, backOff, previousErrors, new Puller(pullerConfig, options.clock), records, behaviour);
  const credentials = (pod: SimPod): PodCredentials[] =>
    pod.pullSecrets.map((s) => ({
      auth: { username: s.username, password: s.password },
      secret: { uid: s.uid, namespace: s.namespace, name: s.name, credentialHash: credentialHash(s.username, s.password) },
    }));
  const event = (pod: SimPod, type: "Normal" | "Warning", reason: string, message: string) => options.onEvent(pod, type, reason, message);
  return {
    applyDefaultImageTag(pod) {
      const defaulted = applyDefaultImageTag(pod.image);
      if ("image" in defaulted) return defaulted;
      const message = `Failed to apply default image tag ${JSON.stringify(pod.image)}: ${defaulted.error}`;
      event(pod, "Warning", "InspectFailed", message);
      return { error: { reason: "InvalidImageName", message } };
    },
    ensureImageExists(pod, policy, images) {
      const hook = options.policyHooks?.get(policy);
      if (!isUpstreamPolicy(policy) && !hook) throw new Error(`this kubelet has no policy hook for ${policy}`);
      return manager.ensureImageExists({
        podUid: pod.uid,
        image: pod.image,
        policy: isUpstreamPolicy(policy) ? policy : hook!,
        credentials: credentials(pod),
        images,
        event: (t, r, m) => event(pod, t, r, m),
      });
    },
    event,
  };
}
