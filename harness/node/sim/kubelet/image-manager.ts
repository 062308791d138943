/**
 * EnsureImageExists for Always, IfNotPresent and Never, Kubernetes 1.35 shape
 * (pkg/kubelet/images/image_manager.go): no image lookup for Always (imagePullPrecheck), the
 * KEP-2535 check for present images, the per-pod image back-off with the previous error in its
 * message, Pulling/Pulled/Failed/BackOff/InspectFailed/ErrImageNeverPull events with the
 * kubelet's texts, and evalCRIPullErr's classification of the runtime's error.
 */
import type { Clock } from "../../../support/clock.js";
import { formatGoDuration } from "../../../support/duration.js";
import type { AuthConfig, ImageService } from "../cri.js";
import type { BackOff } from "./back-off.js";
import { applyDefaultImageTag } from "./pod-image-defaults.js";
import type { Puller } from "./pullers.js";
import { behaviourOf, type VersionBehaviour } from "./kubelet-version.js";
import type { PullRecords, SecretCoordinates } from "./pull-records.js";

export type EventSink = (type: "Normal" | "Warning", reason: string, message: string) => void;

export interface PodCredentials {
  auth: AuthConfig;
  secret: SecretCoordinates;
}

export interface EnsureInput {
  podUid: string;
  /** The container's image exactly as in the pod spec. */
  image: string;
  policy: "Always" | "IfNotPresent" | "Never";
  credentials: PodCredentials[];
  images: ImageService;
  event: EventSink;
}

export type EnsureOutcome = { imageRef: string } | { error: { reason: string; message: string } };

export class ImageManager {
  constructor(
    private readonly clock: Clock,
    readonly backOff: BackOff,
    readonly previousErrors: Map<string, string>,
    private readonly puller: Puller,
    private readonly records: PullRecords,
    private readonly behaviour: VersionBehaviour = behaviourOf("1.35"),
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
    if (input.policy !== "Always" || !this.behaviour.skipLookupForAlways) {
      let present;
      try {
        present = await input.images.imageStatus(spec);
      } catch (error) {
        // Since 1.32 the message quotes the returned imageRef, which is empty on error.
        const message = `Failed to inspect image ${q(this.behaviour.skipLookupForAlways ? "" : image)}: ${error instanceof Error ? error.message : String(error)}`;
        event("Warning", "InspectFailed", message);
        return { error: { reason: "ImageInspectError", message } };
      }
      if (present && input.policy !== "Always") {
        if (!this.behaviour.ensureSecretPulledImages) {
          event("Normal", "Pulled", `Container image ${q(image)} already present on machine`);
          return { imageRef: present.id };
        }
        const mustPull = this.records.mustAttemptImagePull(
          spec,
          present.id,
          input.credentials.map((c) => c.secret),
        );
        if (!mustPull) {
          event("Normal", "Pulled", `Container image ${q(image)} already present on machine and can be accessed by the pod`);
          return { imageRef: present.id };
        }
      }
      if (input.policy === "Never") {
        // Also when present but not verified for this pod: the message does not reveal the image exists.
        const message = `Container image ${q(image)} is not present with pull policy of Never`;
        event("Warning", "ErrImageNeverPull", message);
        return { error: { reason: "ErrImageNeverPull", message } };
      }
    }
    const key = `${input.podUid}_${image}`;
    if (this.backOff.inBackOff(key, this.clock.now())) {
      event("Normal", "BackOff", `Back-off pulling image ${q(image)}`);
      const previous = this.behaviour.backOffCarriesPreviousError ? this.previousErrors.get(key) : undefined;
      return { error: { reason: "ImagePullBackOff", message: `Back-off pulling image ${q(image)}${previous ? `: ${previous}` : ""}` } };
    }
    this.previousErrors.delete(key);
    this.records.recordPullIntent(spec);
    event("Normal", "Pulling", `Pulling image ${q(image)}`);
    const enqueued = this.clock.now();
    let pullStarted = enqueued;
    try {
      const { imageRef, used } = await this.puller.pull(async () => {
        pullStarted = this.clock.now();
        return await pullWithCredentials(input.images, spec, input.credentials);
      });
      const finished = this.clock.now();
      const size = (await input.images.imageStatus(spec))?.size ?? 0;
      event(
        "Normal",
        "Pulled",
        `Successfully pulled image ${q(image)} in ${formatGoDuration(finished - pullStarted)} (${formatGoDuration(finished - enqueued)} including waiting). Image size: ${size} bytes.`,
      );
      this.backOff.gc(finished);
      this.records.recordImagePulled(spec, imageRef, used?.secret);
      return { imageRef };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      event("Warning", "Failed", `Failed to pull image ${q(image)}: ${text}`);
      this.backOff.next(key, this.clock.now());
      this.records.recordImagePullFailed(spec);
      const classified = evalCRIPullErr(image, text);
      this.previousErrors.set(key, `${classified.reason}: ${classified.message}`);
      return { error: classified };
    }
  }
}

/** No credentials: one anonymous pull. Otherwise each in order; the first success wins (kuberuntime_image.go). */
async function pullWithCredentials(
  images: ImageService,
  image: string,
  credentials: PodCredentials[],
): Promise<{ imageRef: string; used: PodCredentials | undefined }> {
  if (credentials.length === 0) return { imageRef: await images.pullImage(image, undefined), used: undefined };
  const errors: string[] = [];
  for (const credential of credentials) {
    try {
      return { imageRef: await images.pullImage(image, credential.auth), used: credential };
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`);
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
