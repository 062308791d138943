import { mkdtempSync, rmSync } from "node:fs";
import { afterAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_HOLD_ACTIVITY, type Activity, type Clock } from "../../../harness/support/clock.js";
import type { AuthConfig, ImageRecord, ImageService } from "../../../harness/node/sim/cri.js";
import { BackOff } from "../../../harness/node/sim/kubelet/back-off.js";
import { ImageManager, type EnsureOutcome, type PodCredentials } from "../../../harness/node/sim/kubelet/image-manager.js";
import { Puller } from "../../../harness/node/sim/kubelet/pullers.js";
import { PullRecords, type VerificationPolicy } from "../../../harness/node/sim/kubelet/pull-records.js";
import { behaviourOf, type KubeletVersion } from "../../../harness/node/sim/kubelet/kubelet-version.js";

const scratch = mkdtempSync(join(tmpdir(), "pullcheck-kubelet-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let harnessCount = 0;

/** A directory for one test's records, removed with the rest after the file's tests. */
export function scratchDir(): string {
  return join(scratch, String(++harnessCount));
}

/** A clock moved only by the test. */
export class StepClock implements Clock {
  readonly kind = "virtual" as const;
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  step(ms: number): void {
    this.time += ms;
  }
  async sleepUntil(): Promise<void> {}
  beginActivity(): Activity {
    return NO_HOLD_ACTIVITY;
  }
  setNetworkShaped(): void {}
}

/** The image_manager_test.go fake runtime: `present_image:latest` is on the node. */
export class FakeRuntime implements ImageService {
  calls: string[] = [];
  pullError: Error | undefined;
  inspectError: Error | undefined;
  private present = new Set(["present_image:latest"]);
  async imageStatus(image: string): Promise<ImageRecord | null> {
    this.calls.push(this.calls.at(-1) === "PullImage" ? "GetImageSize" : "GetImageRef");
    if (this.inspectError) throw this.inspectError;
    return this.present.has(image) ? { id: `sha256:${image}`, repoTags: [image], repoDigests: [], size: 1234 } : null;
  }
  async pullImage(image: string, _auth: AuthConfig | undefined): Promise<string> {
    this.calls.push("PullImage");
    if (this.pullError) throw this.pullError;
    this.present.add(image);
    return `sha256:${image}`;
  }
  async resolveDigest(): Promise<string> {
    throw new Error("not used");
  }
  async listImages(): Promise<ImageRecord[]> {
    return [];
  }
  async removeImage(): Promise<void> {}
}

export interface Harness {
  clock: StepClock;
  runtime: FakeRuntime;
  manager: ImageManager;
  records: PullRecords;
  events: Array<{ type: string; reason: string; message: string }>;
  ensure(
    image: string,
    policy: "Always" | "IfNotPresent" | "Never",
    credentials?: PodCredentials[],
  ): Promise<{ calls: string[]; reasons: string[]; outcome: EnsureOutcome }>;
}

export function harness(
  options: {
    qps?: number;
    burst?: number;
    serialize?: boolean;
    policy?: VerificationPolicy;
    initialMs?: number;
    maxMs?: number;
    version?: KubeletVersion;
  } = {},
): Harness {
  const clock = new StepClock(1_000_000);
  const runtime = new FakeRuntime();
  const records = new PullRecords(scratchDir(), options.policy ?? "NeverVerify", [], () => clock.now());
  const puller = new Puller(
    { serializeImagePulls: options.serialize ?? true, maxParallelImagePulls: undefined, registryPullQPS: options.qps ?? 0, registryBurst: options.burst ?? 0 },
    clock,
  );
  const manager = new ImageManager(
    clock,
    new BackOff(options.initialMs ?? 1_000, options.maxMs ?? 60_000),
    new Map(),
    puller,
    records,
    behaviourOf(options.version ?? "1.35"),
  );
  const events: Harness["events"] = [];
  return {
    clock,
    runtime,
    manager,
    records,
    events,
    async ensure(image, policy, credentials = []) {
      clock.step(1_000);
      runtime.calls = [];
      const before = events.length;
      const outcome = await manager.ensureImageExists({
        podUid: "bar",
        image,
        policy,
        credentials,
        images: runtime,
        event: (type, reason, message) => events.push({ type, reason, message }),
      });
      return { calls: runtime.calls, reasons: events.slice(before).map((e) => e.reason), outcome };
    },
  };
}
