/**
 * The image-path part of the kubelet config as the kubelet loads it: defaults, the feature gate,
 * and validation of the verification policy and allowlist (texts of validation.go and
 * image_pull_policies.go), release by release.
 */
import { describe, expect, it } from "vitest";
import { loadImagePathConfig } from "../../../harness/node/sim/kubelet/kubelet-config.js";
import { behaviourOf } from "../../../harness/node/sim/kubelet/kubelet-version.js";

const HOST = "registry.pullcheck.test";
const allowlisted = (...patterns: string[]) => ({
  imagePullCredentialsVerificationPolicy: "NeverVerifyAllowlistedImages" as const,
  preloadedImagesVerificationAllowlist: patterns,
});
const errorsOf = (result: ReturnType<typeof loadImagePathConfig>) => ("errors" in result ? result.errors : []);

describe("loadImagePathConfig", () => {
  it("should default the verification policy to NeverVerifyPreloadedImages while the gate is on by default (1.35+)", () => {
    expect(loadImagePathConfig({}, behaviourOf("1.35"))).toMatchObject({
      config: { ensureSecretPulledImages: true, verificationPolicy: "NeverVerifyPreloadedImages" },
    });
    expect(loadImagePathConfig({}, behaviourOf("1.34"))).toMatchObject({ config: { ensureSecretPulledImages: false } });
  });

  it("should refuse an allowlist under another policy", () => {
    expect(errorsOf(loadImagePathConfig({ preloadedImagesVerificationAllowlist: [`${HOST}/app`] }, behaviourOf("1.37")))).toEqual([
      'invalid configuration: can\'t set `preloadedImagesVerificationAllowlist` if `imagePullCredentialsVertificationPolicy` is not "NeverVerifyAllowlistedImages"',
    ]);
  });

  it.each([
    [`${HOST}/app`, undefined, undefined],
    [`${HOST}/*`, undefined, undefined],
    ["docker.io/library/nginx", undefined, undefined],
    ["nginx", "neither tag nor digest is accepted in an image reference: nginx", undefined],
    [
      `${HOST}/app:v1`,
      `neither tag nor digest is accepted in an image reference: ${HOST}/app:v1`,
      `neither tag nor digest is accepted in an image reference: ${HOST}/app:v1`,
    ],
    [
      `${HOST}/*/app`,
      `not a valid wildcard pattern, only patterns ending with '/*' are allowed: ${HOST}/*/app`,
      `not a valid wildcard pattern, only patterns ending with '/*' are allowed: ${HOST}/*/app`,
    ],
    ["/*", "at least registry hostname is required", "at least registry hostname is required"],
    [` ${HOST}/app`, `leading/trailing spaces are not allowed:  ${HOST}/app`, `leading/trailing spaces are not allowed:  ${HOST}/app`],
    [
      `${HOST}/App`,
      "failed to parse as an image name: invalid reference format: repository name (App) must be lowercase",
      "failed to parse as an image name: repository name must be lowercase",
    ],
  ])("should judge the allowlist pattern %j as 1.35 and 1.37 do", (pattern, in135, in137) => {
    const prefix = "invalid configuration: invalid image pattern in `preloadedImagesVerificationAllowlist`: ";
    expect(errorsOf(loadImagePathConfig(allowlisted(pattern), behaviourOf("1.35")))).toEqual(in135 ? [prefix + in135] : []);
    expect(errorsOf(loadImagePathConfig(allowlisted(pattern), behaviourOf("1.37")))).toEqual(in137 ? [prefix + in137] : []);
  });

  it("should default and validate with the config file's own feature gate", () => {
    const gateOff = { featureGates: { KubeletEnsureSecretPulledImages: false } };
    expect(loadImagePathConfig(gateOff, behaviourOf("1.35"))).toMatchObject({ config: { ensureSecretPulledImages: false } });
    expect(errorsOf(loadImagePathConfig({ ...gateOff, imagePullCredentialsVerificationPolicy: "AlwaysVerify" }, behaviourOf("1.35")))).toEqual([
      "invalid configuration: `imagePullCredentialsVerificationPolicy` must not be set if KubeletEnsureSecretPulledImages feature gate is not enabled",
    ]);
    expect(loadImagePathConfig({ featureGates: { KubeletEnsureSecretPulledImages: true } }, behaviourOf("1.34"))).toMatchObject({
      config: { ensureSecretPulledImages: true, verificationPolicy: "NeverVerifyPreloadedImages" },
    });
  });
});
