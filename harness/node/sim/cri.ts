/**
 * The CRI-shaped image service the simulated kubelet talks to (what containerd's CRI plugin
 * offers the kubelet: ImageStatus, PullImage, ListImages, RemoveImage), plus the one extra call
 * proposed policies need: resolving a tag to a digest without pulling.
 */
import type { FailureClass } from "../../policy/failure-class.js";

export interface AuthConfig {
  username: string;
  password: string;
}

export interface ImageRecord {
  /** Image ID: the config digest ("sha256:…"); what the kubelet calls the imageRef. */
  id: string;
  /** Names this image is stored under, e.g. "registry.pullcheck.test/app:latest". */
  repoTags: string[];
  /** "registry.pullcheck.test/app@sha256:<manifest or index digest>". */
  repoDigests: string[];
  /** Bytes of the image's blobs on this node (what CRI ImageStatus reports as size). */
  size: number;
}

export interface PullOptions {
  signal?: AbortSignal;
  /** Called whenever the pull moves forward (bytes received), so a virtual clock knows it is busy. */
  onProgress?: () => void;
  /** Who asks, appended to the User-Agent (e.g. "pod/default/probe") so the gate's log can attribute requests. */
  requester?: string;
  /** Runs the pull's work on this machine alone (recording the image, removing a failed pull's blobs); see Activity.whileLocal. */
  whileLocal?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface ResolveOptions extends PullOptions {
  /** Give up after this long on the node's clock; the failure class is then `timeout`. */
  timeoutMs?: number;
}

export interface ImageService {
  /** CRI ImageStatus: the stored image for this reference, or null when absent. */
  imageStatus(image: string): Promise<ImageRecord | null>;
  /** CRI PullImage: fetches and stores the image, returns its image ID. Throws PullError. */
  pullImage(image: string, auth: AuthConfig | undefined, options?: PullOptions): Promise<string>;
  /** Asks the registry which digest the reference points to now (manifest HEAD). Throws PullError. */
  resolveDigest(image: string, auth: AuthConfig | undefined, options?: ResolveOptions): Promise<string>;
  listImages(): Promise<ImageRecord[]>;
  /** Image garbage collection of one image (by reference or ID). Absent images are not an error. */
  removeImage(image: string): Promise<void>;
}

/**
 * A failed pull or resolve. `message` is the runtime's error text as the kubelet would receive
 * it (containerd-like wording, see docs/simulation.md); `failureClass` is what actually happened.
 */
export class PullError extends Error {
  readonly failureClass: FailureClass;
  /** HTTP status when the registry answered, for reports. */
  readonly status: number | undefined;
  constructor(message: string, failureClass: FailureClass, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PullError";
    this.failureClass = failureClass;
    this.status = status;
  }
}
