/**
 * A candidate policy inside EnsureImageExists: its pulls wait in the kubelet's serial puller
 * queue like any other pull, while its digest checks (manifest HEAD) do not.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PullError, type AuthConfig, type ImageRecord, type ImageService } from "../../../harness/node/sim/cri.js";
import { BackOff } from "../../../harness/node/sim/kubelet/back-off.js";
import { candidatePolicyHook } from "../../../harness/node/sim/kubelet/candidate-policy-hook.js";
import { ImageManager, type EnsureOutcome } from "../../../harness/node/sim/kubelet/image-manager.js";
import { Puller } from "../../../harness/node/sim/kubelet/pullers.js";
import { PullRecords } from "../../../harness/node/sim/kubelet/pull-records.js";
import { VerificationLog } from "../../../harness/node/sim/verification-log.js";
import { builtinPolicies } from "../../../harness/policy/load-policies.js";
import type { ProposedPolicy } from "../../../harness/policy/policy-definition.js";
import { StepClock, scratchDir } from "./fakes.js";

/** A runtime whose pulls wait until the test releases them; the registry's digest never matches. */
class GatedRuntime implements ImageService {
  readonly inRuntime: string[] = [];
  readonly resolved: string[] = [];
  private readonly present = new Map<string, ImageRecord>();
  private readonly gates = new Map<string, () => void>();
  release(image: string): void {
    this.gates.get(image)!();
  }
  async imageStatus(image: string): Promise<ImageRecord | null> {
    return this.present.get(image) ?? null;
  }
  async pullImage(image: string, _auth: AuthConfig | undefined): Promise<string> {
    this.inRuntime.push(image);
    await new Promise<void>((resolve) => this.gates.set(image, resolve));
    this.present.set(image, { id: `sha256:${image}`, repoTags: [image], repoDigests: [], size: 1 });
    return `sha256:${image}`;
  }
  async resolveDigest(image: string): Promise<string> {
    this.resolved.push(image);
    if (image.startsWith("down")) throw new PullError("dial tcp: connection refused", "unreachable");
    return "sha256:new";
  }
  async listImages(): Promise<ImageRecord[]> {
    return [...this.present.values()];
  }
  async removeImage(): Promise<void> {}
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setUp(serializeImagePulls: boolean) {
  const clock = new StepClock(1_000_000);
  const dir = scratchDir();
  const records = new PullRecords(dir, "NeverVerify", [], () => clock.now());
  const puller = new Puller({ serializeImagePulls, maxParallelImagePulls: undefined, registryPullQPS: 0, registryBurst: 0 }, clock);
  const manager = new ImageManager(clock, new BackOff(10_000, 300_000), new Map(), puller, records);
  const policy = builtinPolicies().find((p): p is ProposedPolicy => p.name === "IfNewerNotPresent")!;
  const hook = candidatePolicyHook(policy, new VerificationLog(join(dir, "verified.json")), clock);
  const runtime = new GatedRuntime();
  const events: string[] = [];
  const ensure = (podUid: string, image: string): Promise<EnsureOutcome> =>
    manager.ensureImageExists({
      podUid,
      image,
      policy: hook,
      credentials: [],
      images: runtime,
      event: (_t, reason, message) => events.push(`${reason}: ${message}`),
    });
  return { clock, runtime, events, ensure };
}

describe("a candidate policy's pulls in the kubelet's puller", () => {
  it("should wait behind another pod's pull with serializeImagePulls, after its digest check ran at once", async () => {
    const { clock, runtime, events, ensure } = setUp(true);
    const first = ensure("a-uid", "a:latest");
    const second = ensure("b-uid", "b:latest");
    await settle();
    expect(runtime.resolved).toEqual(["a:latest", "b:latest"]);
    expect(runtime.inRuntime).toEqual(["a:latest"]);

    clock.step(3_000);
    runtime.release("a:latest");
    await first;
    await settle();
    expect(runtime.inRuntime).toEqual(["a:latest", "b:latest"]);
    clock.step(1_000);
    runtime.release("b:latest");
    expect(await second).toMatchObject({ imageRef: "sha256:b:latest" });
    expect(events.at(-1)).toBe('Pulled: Successfully pulled image "b:latest" in 1s (4s including waiting). Image size: 1 bytes.');
  });

  it("should pull side by side when serializeImagePulls is false", async () => {
    const { runtime, ensure } = setUp(false);
    const pulls = [ensure("a-uid", "a:latest"), ensure("b-uid", "b:latest")];
    await settle();
    expect(runtime.inRuntime).toEqual(["a:latest", "b:latest"]);
    runtime.release("a:latest");
    runtime.release("b:latest");
    await Promise.all(pulls);
  });

  it("should not queue a digest check behind a pull: a failed check fails at once, with the kubelet's back-off", async () => {
    const { runtime, events, ensure } = setUp(true);
    const first = ensure("a-uid", "a:latest");
    await settle();
    expect(await ensure("down-uid", "down:latest")).toEqual({ error: { reason: "ErrImagePull", message: "dial tcp: connection refused" } });
    expect(await ensure("down-uid", "down:latest")).toMatchObject({ error: { reason: "ImagePullBackOff" } });
    expect(events.filter((e) => e.includes("down:latest")).map((e) => e.split(":")[0])).toEqual(["Pulling", "Failed", "BackOff"]);
    runtime.release("a:latest");
    await first;
  });
});
