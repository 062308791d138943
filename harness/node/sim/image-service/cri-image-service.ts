/**
 * The simulated node's CRI image service: containerd's CRI image calls over a real OCI
 * distribution client (harness/node/sim/registry-client) and a content store on disk, one per node.
 * Pull failures are CriPullErrors (cri-error.ts) with containerd-2.x-like texts and a failure
 * class decided from what happened on the wire.
 */
import type http from "node:http";
import { nodeRequester } from "../../../support/requester.js";
import type { AuthConfig, ImageRecord, ImageService, PullOptions, ResolveOptions } from "../cri.js";
import { NO_HOLD_ACTIVITY, type Clock } from "../../../support/clock.js";
import type { Platform } from "../registry-client/descriptor.js";
import { InvalidReferenceError, formatReference, parseImageReference } from "../registry-client/image-reference.js";
import { RegistryClient, type RequestOptions } from "../registry-client/registry-client.js";
import type { OnCredentialsSent } from "../registry-client/authorizer.js";
import { RegistryError } from "../registry-client/registry-error.js";
import { ContentStore } from "./content-store.js";
import { CriPullError } from "./cri-error.js";
import { blobsOf, ImageMetadataStore } from "./image-metadata.js";
import { findImageId, referencesOf, toImageRecords } from "./image-records.js";
import { IMAGE_PULL_PROGRESS_TIMEOUT_MS, PullDeadlines } from "./pull-deadlines.js";
import { collectGarbage, PullLease } from "./pull-lease.js";

export interface CriImageServiceOptions {
  nodeName: string;
  /** The node's store directory (blobs and image names); created when missing. */
  storeDir: string;
  /** Registry host in image names → its real endpoint, "127.0.0.1:5000" or "http://127.0.0.1:5000". */
  hosts: Record<string, string>;
  clock: Clock;
  /** Default linux/amd64. */
  platform?: Platform;
  /** containerd's image_pull_progress_timeout; 0 disables it. Default 5m. */
  pullProgressTimeoutMs?: number;
  /** Told when credentials go to a bearer token server on another host than the registry's. */
  onCredentialsSent?: OnCredentialsSent;
  /** The registry connections' pool (default: one of this node's own). */
  agent?: http.Agent;
}

export class CriImageService implements ImageService {
  readonly store: ContentStore;
  readonly platform: Platform | undefined;
  private readonly metadata: ImageMetadataStore;
  private readonly client: RegistryClient;
  private readonly progressTimeoutMs: number;

  constructor(private readonly options: CriImageServiceOptions) {
    this.store = new ContentStore(options.storeDir);
    this.platform = options.platform;
    this.metadata = new ImageMetadataStore(options.storeDir);
    this.progressTimeoutMs = options.pullProgressTimeoutMs ?? IMAGE_PULL_PROGRESS_TIMEOUT_MS;
    this.client = new RegistryClient({
      hosts: options.hosts,
      userAgent: nodeRequester(options.nodeName),
      clock: options.clock,
      platform: options.platform,
      onCredentialsSent: options.onCredentialsSent,
      agent: options.agent,
    });
  }

  async imageStatus(image: string): Promise<ImageRecord | null> {
    const images = await this.metadata.list();
    const id = findImageId(images, image);
    if (id === undefined) return null;
    return toImageRecords(images.filter((entry) => entry.configDigest === id))[0] ?? null;
  }

  async listImages(): Promise<ImageRecord[]> {
    return toImageRecords(await this.metadata.list());
  }

  async pullImage(image: string, auth: AuthConfig | undefined, options: PullOptions = {}): Promise<string> {
    const ref = this.normalize(image);
    const lease = new PullLease(this.store);
    const local = options.whileLocal ?? NO_HOLD_ACTIVITY.whileLocal;
    try {
      const pulled = await this.withDeadlines(`pull ${ref}`, options, undefined, (request) => this.client.pull(ref, auth, lease, request));
      const size = pulled.config.size + pulled.layers.reduce((sum, layer) => sum + layer.size, 0);
      await local(() =>
        this.metadata.putNames(referencesOf(ref, pulled.target.digest, pulled.config.digest), {
          target: pulled.target,
          manifestDigest: pulled.manifest.digest,
          configDigest: pulled.config.digest,
          layerDigests: pulled.layers.map((layer) => layer.digest),
          size,
          pulledAt: new Date(this.options.clock.now()).toISOString(),
        }),
      );
      return pulled.config.digest;
    } catch (error) {
      // containerd's lease ends and GC drops what the failed pull wrote: nothing partial stays.
      await local(() => collectGarbage(this.store, this.metadata, lease.written, lease));
      throw error instanceof RegistryError ? new CriPullError(error, `failed to pull and unpack image ${JSON.stringify(ref)}`) : error;
    } finally {
      lease.release();
    }
  }

  /**
   * Not a CRI call: the manifest HEAD a digest-checking policy makes. Its errors read like a
   * pull's resolve step (`failed to resolve reference "<ref>": …`) with the same gRPC prefixes.
   */
  async resolveDigest(image: string, auth: AuthConfig | undefined, options: ResolveOptions = {}): Promise<string> {
    const ref = this.normalize(image);
    try {
      const target = await this.withDeadlines(`resolve ${ref}`, options, options.timeoutMs, (request) => this.client.resolve(ref, auth, request));
      return target.digest;
    } catch (error) {
      throw error instanceof RegistryError ? new CriPullError(error, undefined) : error;
    }
  }

  /** CRI RemoveImage: removes every name of the image the reference resolves to, then its unused blobs. */
  async removeImage(image: string): Promise<void> {
    let removed: string[] = [];
    await this.metadata.update((images) => {
      const id = findImageId(images, image);
      if (id === undefined) return images;
      removed = images.filter((entry) => entry.configDigest === id).flatMap(blobsOf);
      return images.filter((entry) => entry.configDigest !== id);
    });
    if (removed.length > 0) await collectGarbage(this.store, this.metadata, removed);
  }

  /** Re-hashes every stored blob of an image; false when one is missing or altered. */
  async verifyImage(imageId: string): Promise<boolean> {
    const entries = (await this.metadata.list()).filter((entry) => entry.configDigest === imageId);
    if (entries.length === 0) return false;
    const digests = [...new Set(entries.flatMap(blobsOf))];
    return (await Promise.all(digests.map((digest) => this.store.verify(digest)))).every(Boolean);
  }

  /** Closes the node's keep-alive connections. */
  close(): void {
    this.client.close();
  }

  /** containerd's CRI parses the name first (`failed to parse image reference`, not wrapped further). */
  private normalize(image: string): string {
    try {
      return formatReference(parseImageReference(image));
    } catch (error) {
      if (!(error instanceof InvalidReferenceError)) throw error;
      const text = `failed to parse image reference ${JSON.stringify(image)}: ${error.message}`;
      const wrapped = new RegistryError(text, "notFound", { kind: "unknown" });
      throw new CriPullError(wrapped, undefined);
    }
  }

  private async withDeadlines<T>(label: string, options: PullOptions, timeoutMs: number | undefined, run: (request: RequestOptions) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const deadlines = new PullDeadlines(this.options.clock, controller);
    const activity = this.options.clock.beginActivity(`${this.options.nodeName}: ${label}`);
    const progress = () => {
      activity.progress();
      deadlines.progress();
      options.onProgress?.();
    };
    deadlines.watchProgress(this.progressTimeoutMs);
    if (timeoutMs !== undefined) deadlines.deadline(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    try {
      return await run({ signal, progress, requester: options.requester });
    } finally {
      deadlines.stop();
      activity.end();
    }
  }
}
