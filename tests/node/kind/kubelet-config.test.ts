import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kubeletConfigFor } from "../../../harness/node/kind/kubelet-config.js";

const kubeadmConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
featureGates:
  KubeletInUserNamespace: false
`;

describe("kubeletConfigFor (a scenario's node config on a kind node)", () => {
  it("keeps the node's own configuration when the scenario sets nothing", () => {
    expect(kubeletConfigFor(kubeadmConfig, undefined)).toBe(kubeadmConfig);
    expect(kubeletConfigFor(kubeadmConfig, {})).toBe(kubeadmConfig);
  });

  it("writes the scenario's settings over it and merges feature gates", () => {
    const written = parse(
      kubeletConfigFor(kubeadmConfig, {
        serializeImagePulls: false,
        maxParallelImagePulls: 2,
        registryPullQPS: 1,
        registryBurst: 1,
        imagePullCredentialsVerificationPolicy: "NeverVerifyAllowlistedImages",
        preloadedImagesVerificationAllowlist: ["registry.pullcheck.test/private"],
        featureGates: { KubeletEnsureSecretPulledImages: false },
      }),
    ) as Record<string, unknown>;
    expect(written).toEqual({
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      failCgroupV1: false,
      serializeImagePulls: false,
      maxParallelImagePulls: 2,
      registryPullQPS: 1,
      registryBurst: 1,
      imagePullCredentialsVerificationPolicy: "NeverVerifyAllowlistedImages",
      preloadedImagesVerificationAllowlist: ["registry.pullcheck.test/private"],
      featureGates: { KubeletInUserNamespace: false, KubeletEnsureSecretPulledImages: false },
    });
  });
});
