/**
 * One kubelet's image-path state: the image back-off, remembered errors and the event correlator
 * (lost on restart), the puller, and the KEP-2535 pull records (on disk, kept across restarts). The sim node builds
 * a new one on `restart: kubelet`. Candidate policies are known by name, each with its hook.
 */
import type { Clock } from "../../../support/clock.js";
import type { NodeConfig } from "../../../scenario/types.js";
import { isUpstreamPolicy } from "../../../policy/policy-definition.js";
import type { ImageService } from "../cri.js";
import { BackOff } from "./back-off.js";
import { applyDefaultImageTag } from "./pod-image-defaults.js";
import { ImageManager, type EnsureOutcome, type PodCredentials } from "./image-manager.js";
import { Puller } from "./pullers.js";
import { loadImagePathConfig } from "./kubelet-config.js";
import { secretsForImage } from "./pod-keyring.js";
import { PullRecords, credentialHash } from "./pull-records.js";
import { behaviourOf, type KubeletVersion } from "./kubelet-version.js";
import type { PullPolicyHook } from "./pull-policy-hook.js";
import { EventCorrelator, type CorrelatedEvent } from "./event-correlator.js";

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
  /** Each secret's credentials for one registry (its dockerconfigjson key). */
  pullSecrets: Array<{ uid: string; namespace: string; name: string; registry: string; username: string; password: string }>;
}

export interface KubeletOptions {
  clock: Clock;
  images: ImageService;
  config: NodeConfig;
  rootDir: string;
  version: KubeletVersion;
  /** The candidate policies this kubelet runs, by the name a pod's imagePullPolicy carries. */
  policyHooks?: ReadonlyMap<string, PullPolicyHook>;
  /**
   * An event about `pod`, the pod whose sync recorded it (a deleted one too: its pull goes on),
   * and what the event correlator made of it on its way to the API server.
   */
  onEvent: (pod: SimPod, event: RecordedEvent) => void;
}

export interface RecordedEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  correlated: CorrelatedEvent;
}

export interface Kubelet {
  applyDefaultImageTag(pod: SimPod): { image: string } | { error: { reason: string; message: string } };
  ensureImageExists(pod: SimPod, policy: string, images: ImageService): Promise<EnsureOutcome>;
  event(pod: SimPod, type: "Normal" | "Warning", reason: string, message: string): void;
  /** Done starting: the previous kubelet's leftover pull intents are turned into records. */
  readonly started: Promise<void>;
  /** The kubelet process ends: from now on it records no event and no pull outcome. */
  stop(): void;
}

export function createKubelet(options: KubeletOptions): Kubelet {
  const release = behaviourOf(options.version);
  const loaded = loadImagePathConfig(options.config, release);
  if ("errors" in loaded) throw new Error(loaded.errors.join("; "));
  const config = loaded.config;
  const behaviour = { ...release, ensureSecretPulledImages: config.ensureSecretPulledImages };
  const backOff = new BackOff(IMAGE_BACK_OFF_INITIAL_MS, IMAGE_BACK_OFF_MAX_MS);
  const previousErrors = new Map<string, string>();
  const records = new PullRecords(options.rootDir, config.verificationPolicy, config.allowlist, () => options.clock.now(), behaviour.imageNamesAsWritten);
  const manager = new ImageManager(options.clock, backOff, previousErrors, new Puller(config.puller, options.clock), records, behaviour);
  const credentials = (pod: SimPod): PodCredentials[] =>
    secretsForImage(pod.image, pod.pullSecrets).map((s) => ({
      auth: { username: s.username, password: s.password },
      secret: { uid: s.uid, namespace: s.namespace, name: s.name, credentialHash: credentialHash(s.username, s.password) },
    }));
  const stopped = new AbortController();
  const started = config.ensureSecretPulledImages ? records.convertLeftoverIntents(() => options.images.listImages()) : Promise.resolve();
  const correlator = new EventCorrelator(() => options.clock.now());
  const event = (pod: SimPod, type: "Normal" | "Warning", reason: string, message: string) => {
    if (stopped.signal.aborted) return;
    const correlated = correlator.correlate({ podUid: pod.uid, namespace: pod.namespace, pod: pod.name, container: pod.containerName, type, reason, message });
    options.onEvent(pod, { type, reason, message, correlated });
  };
  return {
    applyDefaultImageTag(pod) {
      const defaulted = applyDefaultImageTag(pod.image);
      if ("image" in defaulted) return defaulted;
      const message = `Failed to apply default image tag ${JSON.stringify(pod.image)}: ${defaulted.error}`;
      event(pod, "Warning", "InspectFailed", message);
      return { error: { reason: "InvalidImageName", message } };
    },
    async ensureImageExists(pod, policy, images) {
      const hook = options.policyHooks?.get(policy);
      if (!isUpstreamPolicy(policy) && !hook) throw new Error(`this kubelet has no policy hook for ${policy}`);
      await started;
      return manager.ensureImageExists({
        podUid: pod.uid,
        image: pod.image,
        policy: isUpstreamPolicy(policy) ? policy : hook!,
        credentials: credentials(pod),
        images,
        event: (t, r, m) => event(pod, t, r, m),
        kubeletStopped: stopped.signal,
      });
    },
    event,
    started,
    stop: () => stopped.abort(new Error("kubelet stopped")),
  };
}
