import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./fakes.js";
import { BackOff } from "../../../harness/node/sim/kubelet/back-off.js";
import { defaultPullPolicy } from "../../../harness/node/sim/kubelet/pod-image-defaults.js";
import { PullRecords, credentialHash, type SecretCoordinates, type VerificationPolicy } from "../../../harness/node/sim/kubelet/pull-records.js";
import { defaultPullerConfig, validatePullerConfig } from "../../../harness/node/sim/kubelet/pullers.js";

describe("defaultPullPolicy (pkg/apis/core/v1/defaults.go)", () => {
  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    [`nginx@sha256:${"a".repeat(64)}`, "IfNotPresent"],
    [`nginx:latest@sha256:${"a".repeat(64)}`, "Always"],
    ["FOO", "IfNotPresent"],
  ])("%s → %s", (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe("image back-off (client-go flowcontrol, NewBackOff(10s, 300s))", () => {
  it("should climb 10, 20, 40, 80, 160, 300, 300 s", () => {
    const backOff = new BackOff(10_000, 300_000);
    const ladder = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      backOff.next("pod_image", now);
      ladder.push(backOff.get("pod_image"));
      now += 1_000;
    }
    expect(ladder).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it("should be strict at the window's end and start over after 600 s without an update", () => {
    const backOff = new BackOff(10_000, 300_000);
    backOff.next("k", 0);
    expect(backOff.inBackOff("k", 9_999)).toBe(true);
    expect(backOff.inBackOff("k", 10_000)).toBe(false);
    backOff.next("k", 10_000);
    expect(backOff.get("k")).toBe(20_000);
    backOff.next("k", 10_000 + 600_001);
    expect(backOff.get("k")).toBe(10_000);
  });

  it("should keep pods apart: the key is <pod UID>_<image>", () => {
    const backOff = new BackOff(10_000, 300_000);
    backOff.next("uid-a_app", 0);
    expect(backOff.inBackOff("uid-b_app", 1)).toBe(false);
  });
});

describe("KEP-2535 MustAttemptImagePull (pkg/kubelet/images/pullmanager tests)", () => {
  const secret: SecretCoordinates = { uid: "testsecretuid", namespace: "default", name: "pull-secret", credentialHash: "testsecrethash" };
  const image = "docker.io/testing/test:latest";
  function records(policy: VerificationPolicy, allowlist: string[] = []) {
    return new PullRecords(scratchDir(), policy, allowlist, () => 0);
  }

  it.each([
    ["1: pulled with that secret, exact same", "NeverVerifyPreloadedImages", secret, false],
    ["2: pulled with a secret, pod has none", "NeverVerifyPreloadedImages", undefined, true],
    ["3: same coordinates, different hash (rotation)", "NeverVerifyPreloadedImages", { ...secret, credentialHash: "differenthash" }, false],
    ["4: different uid and hash", "NeverVerifyPreloadedImages", { ...secret, uid: "other", credentialHash: "differenthash" }, true],
    ["5: different namespace and hash", "NeverVerifyPreloadedImages", { ...secret, namespace: "other", credentialHash: "differenthash" }, true],
    ["6: different namespace, same hash", "NeverVerifyPreloadedImages", { ...secret, namespace: "other" }, false],
    ["NeverVerify: no secret", "NeverVerify", undefined, false],
    ["AlwaysVerify: same secret", "AlwaysVerify", secret, false],
  ] as const)("case %s → must pull: %s", (_name, policy, podSecret, mustPull) => {
    const r = records(policy);
    r.recordPullIntent(image);
    r.recordImagePulled(image, "sha256:ref", secret);
    expect(r.mustAttemptImagePull(image, "sha256:ref", podSecret ? [podSecret] : [])).toBe(mustPull);
  });

  it("cases 16-17: a record whose hash is empty matches only by coordinates", () => {
    const r = records("NeverVerifyPreloadedImages");
    const unhashed = { ...secret, credentialHash: "" };
    r.recordImagePulled(image, "sha256:ref", unhashed);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [{ ...unhashed, namespace: "other" }])).toBe(true);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [unhashed])).toBe(false);
  });

  it("case 13: NeverVerify with only a pull intent → no pull", () => {
    const r = records("NeverVerify");
    r.recordPullIntent(image);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [secret])).toBe(false);
  });

  it("merge rules: a new secret joins the list, rotated credentials update the hash, an anonymous pull opens the image to all", () => {
    const root = scratchDir();
    const r = new PullRecords(root, "NeverVerifyPreloadedImages", [], () => 0);
    const other = { uid: "u2", namespace: "default", name: "another", credentialHash: "h2" };
    r.recordImagePulled(image, "sha256:ref", secret);
    r.recordImagePulled(image, "sha256:ref", other);
    r.recordImagePulled(image, "sha256:ref", { ...secret, credentialHash: "rotated" });
    const file = readdirSync(join(root, "image_manager", "pulled"))[0]!;
    const read = () => JSON.parse(readFileSync(join(root, "image_manager", "pulled", file), "utf8")).credentialMapping["docker.io/testing/test"];
    expect(read().kubernetesSecrets.map((s: SecretCoordinates) => `${s.name}:${s.credentialHash}`)).toEqual(["another:h2", "pull-secret:rotated"]);
    r.recordImagePulled(image, "sha256:ref", undefined);
    expect(read()).toEqual({ nodePodsAccessible: true });
  });

  it("should accept rotated credentials under the same coordinates only while the record holds fewer than 100 secrets", () => {
    const crowded = (count: number) => {
      const r = records("NeverVerifyPreloadedImages");
      r.recordImagePulled(image, "sha256:ref", secret);
      for (let i = 1; i < count; i++) r.recordImagePulled(image, "sha256:ref", { ...secret, uid: `uid-${i}`, name: `s-${i}`, credentialHash: `h-${i}` });
      return r;
    };
    const rotated = { ...secret, credentialHash: "rotated" };
    expect(crowded(99).mustAttemptImagePull(image, "sha256:ref", [rotated])).toBe(false);
    expect(crowded(100).mustAttemptImagePull(image, "sha256:ref", [rotated])).toBe(true);
    // The same credentials under other coordinates are accepted at any size (and not written back from 100 on).
    expect(crowded(100).mustAttemptImagePull(image, "sha256:ref", [{ ...secret, uid: "new", name: "copy" }])).toBe(false);
  });

  it("should turn a pull intent left by a kubelet that stopped into a record without credentials when the image is there", async () => {
    const root = scratchDir();
    const before = new PullRecords(root, "NeverVerifyPreloadedImages", [], () => 0);
    before.recordPullIntent("docker.io/testing/test:latest");
    before.recordPullIntent("docker.io/testing/absent:latest");
    const after = new PullRecords(root, "NeverVerifyPreloadedImages", [], () => 0);
    await after.convertLeftoverIntents(async () => [{ id: "sha256:ref", repoTags: ["docker.io/testing/test:latest"], repoDigests: [], size: 1 }]);
    expect(readdirSync(join(root, "image_manager", "pulling"))).toHaveLength(1); // the absent image's intent stays
    const [file] = readdirSync(join(root, "image_manager", "pulled"));
    expect(JSON.parse(readFileSync(join(root, "image_manager", "pulled", file!), "utf8"))).toEqual({
      kind: "ImagePulledRecord",
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      lastUpdatedTime: "1970-01-01T00:00:00Z",
      imageRef: "sha256:ref",
    });
    expect(after.mustAttemptImagePull("docker.io/testing/test:latest", "sha256:ref", [secret])).toBe(true);
  });

  it("case 7: a record for another image name does not cover this one", () => {
    const r = records("NeverVerifyPreloadedImages");
    r.recordImagePulled(image, "sha256:ref", secret);
    expect(r.mustAttemptImagePull("docker.io/testing/different:latest", "sha256:ref", [secret])).toBe(true);
  });

  it("cases 9-11: absent → pull; present without records is preloaded, except under AlwaysVerify", () => {
    expect(records("NeverVerifyPreloadedImages").mustAttemptImagePull(image, "", [])).toBe(true);
    expect(records("NeverVerifyPreloadedImages").mustAttemptImagePull(image, "sha256:ref", [])).toBe(false);
    expect(records("AlwaysVerify").mustAttemptImagePull(image, "sha256:ref", [])).toBe(true);
  });

  it("case 12: only a pull intent means the kubelet pulled it: verify", () => {
    const r = records("NeverVerifyPreloadedImages");
    r.recordPullIntent(image);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [secret])).toBe(true);
  });

  it("cases 14-15: an anonymous pull makes the image accessible to every pod on the node", () => {
    const r = records("NeverVerifyPreloadedImages");
    r.recordImagePulled(image, "sha256:ref", undefined);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [])).toBe(false);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [secret])).toBe(false);
  });

  it("NeverVerifyAllowlistedImages: allowlisted repositories and /* prefixes skip verification", () => {
    const r = records("NeverVerifyAllowlistedImages", ["docker.io/testing/*"]);
    r.recordImagePulled(image, "sha256:ref", secret);
    expect(r.mustAttemptImagePull(image, "sha256:ref", [])).toBe(false);
    const other = records("NeverVerifyAllowlistedImages", ["different.repo/test/*"]);
    other.recordImagePulled(image, "sha256:ref", secret);
    expect(other.mustAttemptImagePull(image, "sha256:ref", [])).toBe(true);
  });

  it("should write records as sha256-<hex> files with the kubelet's JSON shape, and keep them across instances", () => {
    const root = scratchDir();
    const first = new PullRecords(root, "NeverVerifyPreloadedImages", [], () => Date.UTC(2026, 0, 1));
    first.recordPullIntent(image);
    first.recordImagePulled(image, "sha256:ref", secret);
    const [file] = readdirSync(join(root, "image_manager", "pulled"));
    expect(file).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(readdirSync(join(root, "image_manager", "pulling"))).toEqual([]);
    const record = JSON.parse(readFileSync(join(root, "image_manager", "pulled", file!), "utf8"));
    expect(record).toMatchObject({
      imageRef: "sha256:ref",
      lastUpdatedTime: "2026-01-01T00:00:00Z", // metav1.Time: RFC 3339, whole seconds
      credentialMapping: { "docker.io/testing/test": { kubernetesSecrets: [secret] } },
    });
    const restarted = new PullRecords(root, "NeverVerifyPreloadedImages", [], () => 0);
    expect(restarted.mustAttemptImagePull(image, "sha256:ref", [])).toBe(true);
    expect(restarted.mustAttemptImagePull(image, "sha256:ref", [secret])).toBe(false);
  });

  it("should hash credentials by content, so a different secret with the same credentials matches", () => {
    expect(credentialHash("alice", "pw")).toBe(credentialHash("alice", "pw"));
    expect(credentialHash("alice", "pw")).not.toBe(credentialHash("alice", "other"));
  });

  it("should hash credentials as the kubelet does: sha256 of Go's JSON of the AuthConfig", () => {
    // The hash a 1.35.4 kubelet wrote for alice/alice-secret (docs/oracle.md's example), and Go's
    // json.Marshal of AuthConfig{Username: "a<b&c", Password: "p>w\u2028"} (HTML characters escaped).
    expect(credentialHash("alice", "alice-secret")).toBe("6faaf8bcfbb6d24a69752b4408c9a0d67821ff8f138c168a549938e1a3aa2609");
    expect(credentialHash("a<b&c", "p>w\u2028")).toBe("ad890f7e9ecdcdfbed9ac1df83f47c9aeb4cc8d635c51bc6435e41e33c824a1c");
  });
});

describe("kubelet config validation", () => {
  it("should give the kubelet's texts", () => {
    expect(validatePullerConfig({ serializeImagePulls: true, maxParallelImagePulls: 5, registryPullQPS: 5, registryBurst: 10 })).toEqual([
      "invalid configuration: maxParallelImagePulls cannot be larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false",
    ]);
    expect(validatePullerConfig({ serializeImagePulls: false, maxParallelImagePulls: 0, registryPullQPS: 5, registryBurst: 10 })).toEqual([
      "invalid configuration: maxParallelImagePulls 0 must be a positive number",
    ]);
  });

  it("should default as the kubelet's config does: parallel pulls when maxParallelImagePulls ≥ 2, burst 10 for 0", () => {
    expect(defaultPullerConfig({})).toEqual({ serializeImagePulls: true, maxParallelImagePulls: undefined, registryPullQPS: 5, registryBurst: 10 });
    const parallel = defaultPullerConfig({ maxParallelImagePulls: 3 });
    expect(parallel.serializeImagePulls).toBe(false);
    expect(validatePullerConfig(parallel)).toEqual([]);
    expect(defaultPullerConfig({ maxParallelImagePulls: 1 }).serializeImagePulls).toBe(true);
    expect(defaultPullerConfig({ registryPullQPS: 0, registryBurst: 0 })).toMatchObject({ registryPullQPS: 0, registryBurst: 10 });
  });
});
