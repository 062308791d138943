/**
 * pkg/kubelet/images/image_manager_test.go's cases, one EnsureImageExists call
 * per line, clock stepped +1 s before each call, back-off 1s → 1min as upstream's harness.
 */
import { describe, expect, it } from "vitest";
import { evalCRIPullErr } from "../../../harness/node/sim/kubelet/image-manager.js";
import { harness } from "./fakes.js";

const reasonOf = (o: { outcome: { imageRef?: string; error?: { reason: string } } | object }) =>
  "error" in o.outcome ? (o.outcome as { error: { reason: string } }).error.reason : undefined;

describe.each([true, false])("EnsureImageExists (serialized pulls: %s)", (serialize) => {
  it("case 1: image missing, IfNotPresent → pull", async () => {
    const h = harness({ serialize });
    const r = await h.ensure("missing_image", "IfNotPresent");
    expect(r.calls).toEqual(["GetImageRef", "PullImage", "GetImageSize"]);
    expect(r.reasons).toEqual(["Pulling", "Pulled"]);
    expect(reasonOf(r)).toBeUndefined();
  });

  it("case 2: image present, IfNotPresent → no pull, 'already present … can be accessed by the pod'", async () => {
    const h = harness({ serialize });
    for (let i = 0; i < 3; i++) {
      const r = await h.ensure("present_image", "IfNotPresent");
      expect(r.calls).toEqual(["GetImageRef"]);
      expect(r.reasons).toEqual(["Pulled"]);
    }
    expect(h.events[0]).toEqual({
      type: "Normal",
      reason: "Pulled",
      message: 'Container image "present_image" already present on machine and can be accessed by the pod',
    });
  });

  it("case 3: image present, Always → pulls without looking first (imagePullPrecheck, 1.32+)", async () => {
    const h = harness({ serialize });
    const r = await h.ensure("present_image", "Always");
    expect(r.calls).toEqual(["PullImage", "GetImageSize"]);
    expect(r.reasons).toEqual(["Pulling", "Pulled"]);
  });

  it("case 4: image missing, Never → ErrImageNeverPull", async () => {
    const h = harness({ serialize });
    const r = await h.ensure("missing_image", "Never");
    expect(r.calls).toEqual(["GetImageRef"]);
    expect(h.events).toEqual([
      { type: "Warning", reason: "ErrImageNeverPull", message: 'Container image "missing_image" is not present with pull policy of Never' },
    ]);
    expect(reasonOf(r)).toBe("ErrImageNeverPull");
  });

  it("case 6: unable to fetch → ErrImagePull, back-off, pull again when the window is over", async () => {
    const h = harness({ serialize });
    h.runtime.pullError = new Error("404");
    const sequence = [];
    for (let i = 0; i < 6; i++) {
      const r = await h.ensure("typo_image", "IfNotPresent");
      sequence.push([r.calls.join(","), r.reasons.join(","), reasonOf(r)]);
    }
    expect(sequence).toEqual([
      ["GetImageRef,PullImage", "Pulling,Failed", "ErrImagePull"],
      ["GetImageRef,PullImage", "Pulling,Failed", "ErrImagePull"],
      ["GetImageRef", "BackOff", "ImagePullBackOff"],
      ["GetImageRef,PullImage", "Pulling,Failed", "ErrImagePull"],
      ["GetImageRef", "BackOff", "ImagePullBackOff"],
      ["GetImageRef", "BackOff", "ImagePullBackOff"],
    ]);
    expect(h.events.find((e) => e.reason === "Failed")).toEqual({ type: "Warning", reason: "Failed", message: 'Failed to pull image "typo_image": 404' });
    expect(h.events.find((e) => e.reason === "BackOff")).toEqual({ type: "Normal", reason: "BackOff", message: 'Back-off pulling image "typo_image"' });
  });

  it("case 8: excessive QPS → 'pull QPS exceeded' without reaching the runtime, then back-off", async () => {
    const h = harness({ serialize, qps: 2000, burst: 0 });
    const results = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.ensure("present_image", "Always");
      results.push([r.calls.join(","), r.reasons.join(","), reasonOf(r)]);
    }
    expect(results).toEqual([
      ["", "Pulling,Failed", "ErrImagePull"],
      ["", "Pulling,Failed", "ErrImagePull"],
      ["", "BackOff", "ImagePullBackOff"],
    ]);
    expect(h.events[1]?.message).toBe('Failed to pull image "present_image": pull QPS exceeded');
  });

  it.each([
    // The text the kubelet's own code gives (make oracle): a one-component Docker Hub name is named with its library/.
    ["FAILED_IMAGE", "invalid reference format: repository name (library/FAILED_IMAGE) must be lowercase"],
    ["Team/App:latest", "invalid reference format: repository name (App) must be lowercase"],
    ["http://url", "invalid reference format"],
    [
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "invalid repository name (ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad), cannot specify 64-byte hexadecimal strings",
    ],
  ])("cases 9-11: invalid name %s → InspectFailed and InvalidImageName, no runtime call", async (image, text) => {
    const h = harness({ serialize });
    const r = await h.ensure(image, "Always");
    expect(r.calls).toEqual([]);
    expect(r.reasons).toEqual(["InspectFailed"]);
    expect(reasonOf(r)).toBe("InvalidImageName");
    expect(h.events[0]).toEqual({
      type: "Warning",
      reason: "InspectFailed",
      message: `Failed to apply default image tag ${JSON.stringify(image)}: couldn't parse image name ${JSON.stringify(image)}: ${text}`,
    });
  });

  it("case 12: SignatureValidationFailed keeps its reason, and the back-off message carries it (1.32+)", async () => {
    const h = harness({ serialize });
    h.runtime.pullError = new Error("SignatureValidationFailed");
    const first = await h.ensure("typo_image", "IfNotPresent");
    expect(first.outcome).toEqual({
      error: { reason: "SignatureValidationFailed", message: "image pull failed for typo_image because the signature validation failed" },
    });
    await h.ensure("typo_image", "IfNotPresent");
    const third = await h.ensure("typo_image", "IfNotPresent");
    expect(third.outcome).toEqual({
      error: {
        reason: "ImagePullBackOff",
        message: 'Back-off pulling image "typo_image": SignatureValidationFailed: image pull failed for typo_image because the signature validation failed',
      },
    });
  });

  it("Pulled message: 13 tokens with Go durations and the image size", async () => {
    const h = harness({ serialize });
    await h.ensure("missing_image", "IfNotPresent");
    const pulled = h.events.find((e) => e.reason === "Pulled")!.message;
    expect(pulled).toMatch(/^Successfully pulled image "missing_image" in 0s \(0s including waiting\)\. Image size: 1234 bytes\.$/);
    expect(pulled.split(" ")).toHaveLength(13);
  });
});

describe("evalCRIPullErr", () => {
  it.each([
    ["test", "ErrImagePull", "test"],
    ["RegistryUnavailable", "RegistryUnavailable", "image pull failed for test because the registry is unavailable"],
    ["RegistryUnavailable: foo", "RegistryUnavailable", "image pull failed for test because the registry is unavailable: foo"],
    ["SignatureValidationFailed", "SignatureValidationFailed", "image pull failed for test because the signature validation failed"],
    ["SignatureValidationFailed: bar", "SignatureValidationFailed", "image pull failed for test because the signature validation failed: bar"],
  ])("%s → %s", (text, reason, message) => {
    expect(evalCRIPullErr("test", text)).toEqual({ reason, message });
  });
});

describe("older kubelets", () => {
  it("1.34: KEP-2535 off by default, so a present image is used without the credential check and the shorter message", async () => {
    const h = harness({ version: "1.34", policy: "AlwaysVerify" });
    const r = await h.ensure("present_image", "IfNotPresent");
    expect(r.calls).toEqual(["GetImageRef"]);
    expect(h.events).toEqual([{ type: "Normal", reason: "Pulled", message: 'Container image "present_image" already present on machine' }]);
  });

  it("1.31: Always looks the image up first, and the back-off message has no previous error", async () => {
    const h = harness({ version: "1.31" });
    expect((await h.ensure("present_image", "Always")).calls).toEqual(["GetImageRef", "PullImage", "GetImageSize"]);
    h.runtime.pullError = new Error("404");
    await h.ensure("typo_image", "IfNotPresent");
    await h.ensure("typo_image", "IfNotPresent");
    const third = await h.ensure("typo_image", "IfNotPresent");
    expect(third.outcome).toEqual({ error: { reason: "ImagePullBackOff", message: 'Back-off pulling image "typo_image"' } });
  });
});

describe("inspect errors and parallel pulls", () => {
  it("case 5: an inspect error → InspectFailed with the 1.32+ empty-ref quirk, ImageInspectError", async () => {
    const h = harness();
    h.runtime.inspectError = new Error("unknown inspectError");
    for (let i = 0; i < 3; i++) {
      const r = await h.ensure("missing_image", "IfNotPresent");
      expect(r.calls).toEqual(["GetImageRef"]);
      expect(r.outcome).toEqual({ error: { reason: "ImageInspectError", message: 'Failed to inspect image "": unknown inspectError' } });
    }
    expect(h.events.map((e) => e.reason)).toEqual(["InspectFailed", "InspectFailed", "InspectFailed"]);
  });

  it("MaxParallelImagePullsLimit: with 5 slots and a blocked runtime, 5 pulls run, 2 wait, unblocking 2 lets exactly 2 more in", async () => {
    const { Puller } = await import("../../../harness/node/sim/kubelet/pullers.js");
    const puller = new Puller({ serializeImagePulls: false, maxParallelImagePulls: 5, registryPullQPS: 0, registryBurst: 0 }, harness().clock);
    let inRuntime = 0;
    const gates: Array<() => void> = [];
    const pulls = Array.from({ length: 7 }, () =>
      puller.pull(async () => {
        inRuntime++;
        await new Promise<void>((release) => gates.push(release));
      }),
    );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(inRuntime).toBe(5);
    gates[0]!();
    gates[1]!();
    await settle();
    await settle();
    expect(inRuntime).toBe(7);
    for (const release of gates) release();
    await Promise.all(pulls);
  });
});
