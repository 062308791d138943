/**
 * The one seam where a candidate pull policy changes the kubelet's EnsureImageExists
 * (pkg/kubelet/images/image_manager.go): whether to ask the registry given what is stored, the
 * digest check before a pull, and whether a failure starts the stored copy instead. Everything
 * around it stays the image manager's: the per-pod back-off, the puller's queue and QPS limit,
 * the events, the KEP-2535 pull records.
 */
import type { CacheState, ContactDecision } from "../../../policy/decide.js";
import type { AuthConfig, ImageRecord, ImageService, PullError } from "../cri.js";

/** What the registry check before a pull leads to. */
export type RegistryCheck =
  | { kind: "pull" }
  /** The registry's digest is the stored one: start it without a pull. */
  | { kind: "unchanged" }
  | { kind: "fallBack"; error: PullError }
  | { kind: "fail"; error: PullError };

export interface PullPolicyHook {
  /** The policy's name, as the pod's imagePullPolicy carries it. */
  readonly name: string;
  /** How long ago the registry last confirmed what this node stores for the image; undefined if never. */
  verifiedAgoMs(image: string): number | undefined;
  /** Before any registry contact: start the stored copy, ask the registry, or refuse. */
  decideContact(cache: CacheState): ContactDecision;
  /**
   * After the Pulling event, before the puller: the digest check (manifest HEAD), bounded by the
   * policy's resolveTimeout. A plain registry request, not a CRI pull: it does not wait in the
   * puller's queue and takes no QPS token.
   */
  checkRegistry(image: string, stored: ImageRecord | null, cache: CacheState, auth: AuthConfig | undefined, images: ImageService): Promise<RegistryCheck>;
  /** A pull through the puller failed: start the stored copy, or fail as the kubelet does. */
  afterPullFailure(cache: CacheState, error: unknown): "fallBack" | "fail";
  /** The registry confirmed the stored content (a pull, or an unchanged digest). */
  confirmed(image: string): void;
}
