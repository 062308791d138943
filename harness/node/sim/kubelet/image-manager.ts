/**
 * EnsureImageExists, Kubernetes 1.35 shape (pkg/kubelet/images/image_manager.go): no image lookup
 * for Always (imagePullPrecheck), the KEP-2535 check for present images, the per-pod image
 * back-off with the previous error in its message, Pulling/Pulled/Failed/BackOff/InspectFailed/
 * ErrImageNeverPull events with the kubelet's texts, and evalCRIPullErr's classification of the
 * runtime's error. A candidate policy enters through its hook (pull-policy-hook.ts) where the
 * kubelet decides whether to pull; its pulls take the same puller, back-off, events and records.
 */
import type { Clock } from "../../../support/clock.js";
import { formatGoDuration } from "../../../support/duration.js";
import type { CacheState } from "../../../policy/decide.js";
import type { ImageRecord, ImageService, PullError } from "../cri.js";
import { containerImageId } from "../container-image-id.js";
import type { BackOff } from "./back-off.js";
import { applyDefaultImageTag } from "./pod-image-defaults.js";
import type { Puller } from "./pullers.js";
import type { PullPolicyHook } from "./pull-policy-hook.js";
import { behaviourOf, DEFAULT_KUBELET_VERSION, type VersionBehaviour } from "./kubelet-version.js";
import type { PullRecords } from "./pull-records.js";
import { pullWithCredentials, type PodCredentials } from "./pull-with-credentials.js";

export type { PodCredentials } from "./pull-with-credentials.js";

export type EventSink = (type: "Normal" | "Warning", reason: string, message: string) => void;

export interface EnsureInput {
  podUid: string;
  /** The container's image exactly as in the pod spec. */
  image: string;
  /** An upstream policy, or a candidate's hook. */
  policy: "Always" | "IfNotPresent" | "Never" | PullPolicyHook;
  credentials: PodCredentials[];
  images: ImageService;
  event: EventSink;
  /** Aborted when this kubelet stops (a restart): a pull cut off then records nothing more. */
  kubeletStopped?: AbortSignal;
}

/** `record`: the stored image the decision was made on, or the one just pulled. */
export type EnsureOutcome = { imageRef: string; record?: ImageRecord } | { error: { reason: string; message: string } };

type Failure = { error: { reason: string; message: string } };

export class ImageManager {
  constructor(
    private readonly clock: Clock,
    private readonly backOff: BackOff,
    private readonly previousErrors: Map<string, string>,
    private readonly puller: Puller,
    private readonly records: PullRecords,
    private readonly behaviour: VersionBehaviour = behaviourOf(DEFAULT_KUBELET_VERSION),
  ) {}

  async ensureImageExists(input: EnsureInput): Promise<EnsureOutcome> {
    const { image, event } = input;
    const defaulted = applyDefaultImageTag(image);
    if ("error" in defaulted) {
      const message = `Failed to apply default image tag ${q(image)}: ${defaulted.error}`;
      event("Warning", "InspectFailed", message);
      return { error: { reason: "InvalidImageName", message } };
    }
    const spec = defaulted.image;
    if (typeof input.policy !== "string") return this.ensureWithHook(input, spec, input.policy);
    if (input.policy !== "Always" || !this.behaviour.skipLookupForAlways) {
      const present = await this.inspect(input, spec);
      if ("error" in present) return present;
      if (present.record && input.policy !== "Always" && this.podMayUse(input, spec, present.record)) {
        this.alreadyPresent(input);
        return { imageRef: present.record.id, record: present.record };
      }
      if (input.policy === "Never") return this.neverPull(input, "Never");
    }
    return this.backOffOr(input, async () => {
      const pulled = await this.pull(input, spec);
      return "failure" in pulled ? this.failed(input, messageOf(pulled.failure)) : pulled;
    });
  }

  private async ensureWithHook(input: EnsureInput, spec: string, hook: PullPolicyHook): Promise<EnsureOutcome> {
    const inspected = await this.inspect(input, spec);
    if ("error" in inspected) return inspected;
    const stored = inspected.record;
    const podMayUse = stored !== null && this.podMayUse(input, spec, stored);
    const cache: CacheState = {
      present: stored !== null,
      podMayUse,
      // An image the kubelet never pulled (preloaded) has no record: the node's policy decides.
      credentialsVerified:
        stored !== null &&
        (this.records.credentialsVerified(
          input.image,
          stored.id,
          input.credentials.map((c) => c.secret),
        ) ??
          podMayUse),
      verifiedAgoMs: stored ? hook.verifiedAgoMs(spec) : undefined,
    };
    const contact = hook.decideContact(cache);
    if (contact === "useCached") {
      this.alreadyPresent(input);
      return { imageRef: stored!.id, record: stored! };
    }
    if (contact === "neverPull") return this.neverPull(input, hook.name);
    return this.backOffOr(input, async () => {
      const check = await hook.checkRegistry(spec, stored, cache, input.credentials[0]?.auth, input.images);
      if (check.kind === "unchanged") {
        hook.confirmed(spec);
        input.event("Normal", "Pulled", `Container image ${q(input.image)} already present on machine and the registry digest is unchanged`);
        return { imageRef: stored!.id, record: stored! };
      }
      if (check.kind === "fallBack") return this.fallBack(input, spec, stored!, check.error);
      if (check.kind === "fail") return this.failed(input, check.error.message);
      const pulled = await this.pull(input, spec);
      if (!("failure" in pulled)) {
        hook.confirmed(spec);
        return pulled;
      }
      if (hook.afterPullFailure(cache, pulled.failure) === "fallBack") return this.fallBack(input, spec, stored!, pulled.failure as PullError);
      return this.failed(input, messageOf(pulled.failure));
    });
  }

  private async inspect(input: EnsureInput, spec: string): Promise<{ record: ImageRecord | null } | Failure> {
    try {
      return { record: await input.images.imageStatus(spec) };
    } catch (error) {
      // Since 1.32 the message quotes the returned imageRef, which is empty on error.
      const message = `Failed to inspect image ${q(this.behaviour.skipLookupForAlways ? "" : input.image)}: ${error instanceof Error ? error.message : String(error)}`;
      input.event("Warning", "InspectFailed", message);
      return { error: { reason: "ImageInspectError", message } };
    }
  }

  /** KEP-2535's records, or none while its feature gate is off (the kubelet's NoopImagePullManager). */
  private get kep2535(): PullRecords | undefined {
    return this.behaviour.ensureSecretPulledImages ? this.records : undefined;
  }

  /** KEP-2535: may this pod use the stored image without a pull? */
  private podMayUse(input: EnsureInput, spec: string, record: ImageRecord): boolean {
    if (!this.kep2535) return true;
    return !this.kep2535.mustAttemptImagePull(
      input.image,
      record.id,
      input.credentials.map((c) => c.secret),
    );
  }

  private alreadyPresent(input: EnsureInput): void {
    const suffix = this.behaviour.ensureSecretPulledImages ? " and can be accessed by the pod" : "";
    input.event("Normal", "Pulled", `Container image ${q(input.image)} already present on machine${suffix}`);
  }

  /** Also when present but not verified for this pod: the message does not reveal the image exists. */
  private neverPull(input: EnsureInput, policyName: string): Failure {
    const message = `Container image ${q(input.image)} is not present with pull policy of ${policyName}`;
    input.event("Warning", "ErrImageNeverPull", message);
    return { error: { reason: "ErrImageNeverPull", message } };
  }

  /** The per-pod back-off before every registry contact, then the Pulling event and `contact`. */
  private async backOffOr(input: EnsureInput, contact: () => Promise<EnsureOutcome>): Promise<EnsureOutcome> {
    const key = backOffKey(input);
    if (this.backOff.inBackOff(key, this.clock.now())) {
      input.event("Normal", "BackOff", `Back-off pulling image ${q(input.image)}`);
      const previous = this.behaviour.backOffCarriesPreviousError ? this.previousErrors.get(key) : undefined;
      return { error: { reason: "ImagePullBackOff", message: `Back-off pulling image ${q(input.image)}${previous ? `: ${previous}` : ""}` } };
    }
    this.previousErrors.delete(key);
    input.event("Normal", "Pulling", `Pulling image ${q(input.image)}`);
    return contact();
  }

  /** One pull through the puller (its queue and QPS limit), with the pull records around it. */
  private async pull(input: EnsureInput, spec: string): Promise<{ imageRef: string; record?: ImageRecord } | { failure: unknown }> {
    // KEP-2535 names the image as the pod wrote it, before the default tag (image_manager.go
    // EnsureImageExists passes requestedImage to MustAttemptImagePull and to pullImage).
    this.kep2535?.recordPullIntent(input.image);
    const enqueued = this.clock.now();
    let pullStarted = enqueued;
    try {
      const { imageRef, used } = await this.puller.pull(async () => {
        if (input.kubeletStopped?.aborted) throw input.kubeletStopped.reason; // a pull queued behind one cut off: never started
        pullStarted = this.clock.now();
        return await pullWithCredentials(input.images, spec, input.credentials);
      });
      const finished = this.clock.now();
      const record = await input.images.imageStatus(spec);
      input.event(
        "Normal",
        "Pulled",
        `Successfully pulled image ${q(input.image)} in ${formatGoDuration(finished - pullStarted)} (${formatGoDuration(finished - enqueued)} including waiting). Image size: ${record?.size ?? 0} bytes.`,
      );
      this.backOff.gc(finished);
      this.kep2535?.recordImagePulled(input.image, imageRef, used?.secret);
      return record ? { imageRef, record } : { imageRef };
    } catch (error) {
      // The kubelet process ends mid-pull: its intent stays on disk for the next kubelet, which
      // turns it into a record if the image is there (PullManager.initialize).
      if (input.kubeletStopped?.aborted) throw error;
      this.kep2535?.recordImagePullFailed(input.image);
      return { failure: error };
    }
  }

  private failed(input: EnsureInput, text: string): Failure {
    const key = backOffKey(input);
    input.event("Warning", "Failed", `Failed to pull image ${q(input.image)}: ${text}`);
    this.backOff.next(key, this.clock.now());
    const classified = evalCRIPullErr(input.image, text);
    this.previousErrors.set(key, `${classified.reason}: ${classified.message}`);
    return { error: classified };
  }

  /** A candidate starts the stored copy and says so: the failure class and the digest it starts. */
  private fallBack(input: EnsureInput, spec: string, stored: ImageRecord, error: PullError): EnsureOutcome {
    const imageID = containerImageId(stored, spec);
    input.event(
      "Warning",
      "ImagePullFallback",
      `Registry check failed (${error.failureClass}): ${error.message}; starting cached image ${q(input.image)} (${imageID.slice(imageID.indexOf("@") + 1)})`,
    );
    return { imageRef: stored.id, record: stored };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function backOffKey(input: EnsureInput): string {
  return `${input.podUid}_${input.image}`;
}

/** evalCRIPullErr: RegistryUnavailable / SignatureValidationFailed prefixes get their own reason. */
export function evalCRIPullErr(image: string, text: string): { reason: string; message: string } {
  for (const [prefix, because] of [
    ["RegistryUnavailable", "the registry is unavailable"],
    ["SignatureValidationFailed", "the signature validation failed"],
  ] as const) {
    if (text.startsWith(prefix)) return { reason: prefix, message: `image pull failed for ${image} because ${because}${text.slice(prefix.length)}` };
  }
  return { reason: "ErrImagePull", message: text };
}

function q(text: string): string {
  return JSON.stringify(text);
}
