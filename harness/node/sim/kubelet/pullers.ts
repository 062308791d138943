/**
 * How pulls reach the runtime (pkg/kubelet/images/puller.go): one at a time in FIFO order
 * (serializeImagePulls, the default), or in parallel up to maxParallelImagePulls; behind a
 * non-blocking token bucket when registryPullQPS > 0 (a pull with no token fails at once with
 * "pull QPS exceeded").
 */
import type { Clock } from "../../../support/clock.js";
import type { NodeConfig } from "../../../scenario/types.js";
import { TokenBucket } from "../../../support/token-bucket.js";

export interface PullerConfig {
  serializeImagePulls: boolean;
  maxParallelImagePulls: number | undefined;
  registryPullQPS: number;
  registryBurst: number;
}

export class Puller {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly bucket: TokenBucket;

  constructor(
    private readonly config: PullerConfig,
    private readonly clock: Clock,
  ) {
    this.bucket = new TokenBucket(config.registryPullQPS, config.registryBurst, clock.now());
  }

  /** Runs one pull when a slot is free; the QPS check happens when it reaches the runtime. */
  async pull<T>(run: () => Promise<T>): Promise<T> {
    const limit = this.config.serializeImagePulls ? 1 : (this.config.maxParallelImagePulls ?? Infinity);
    if (this.active >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      if (this.config.registryPullQPS > 0 && !this.bucket.tryAccept(this.clock.now())) throw new Error("pull QPS exceeded");
      return await run();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * The kubelet configuration's defaults for these fields (pkg/kubelet/apis/config/v1beta1/defaults.go,
 * SetDefaults_KubeletConfiguration): serializeImagePulls is true unless maxParallelImagePulls is 2
 * or more; registryPullQPS 5 when unset (0 means no limit); registryBurst 10 when unset or 0.
 */
export function defaultPullerConfig(config: NodeConfig): PullerConfig {
  const parallel = config.maxParallelImagePulls;
  return {
    serializeImagePulls: config.serializeImagePulls ?? !(parallel !== undefined && parallel >= 2),
    maxParallelImagePulls: parallel,
    registryPullQPS: config.registryPullQPS ?? 5,
    registryBurst: config.registryBurst || 10,
  };
}

export function validatePullerConfig(config: PullerConfig): string[] {
  const errors: string[] = [];
  if (config.maxParallelImagePulls !== undefined && config.maxParallelImagePulls < 1) {
    errors.push(`invalid configuration: maxParallelImagePulls ${config.maxParallelImagePulls} must be a positive number`);
  }
  if (config.serializeImagePulls && config.maxParallelImagePulls !== undefined && config.maxParallelImagePulls > 1) {
    errors.push("invalid configuration: maxParallelImagePulls cannot be larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false");
  }
  return errors;
}
