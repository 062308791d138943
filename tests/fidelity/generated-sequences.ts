/**
 * Random call sequences (fast-check, seeded) over what the kubelet's image path depends on:
 * pull policy (given or defaulted), an image present or not, preloaded or pulled, pods with and
 * without credentials, the credential verification policy (and its allowlist: an exact
 * repository, a prefix, or both repositories), pulls that fail and heal, time passing
 * across back-off edges, image GC and kubelet restarts. Events stay below the spam filter's
 * threshold (a known difference, covered by its own sequence).
 */
import fc from "fast-check";
import type { OracleCall, OracleInput, PullRule, PullSecret } from "../../harness/fidelity/oracle-json.js";

const HOST = "registry.pullcheck.test";
const IMAGES = [`${HOST}/app:latest`, `${HOST}/app:v1`, `${HOST}/private:latest`, `${HOST}/app`] as const;
const REFS: Record<string, string> = { app: "sha256:aaaa", private: "sha256:bbbb" };
const refOf = (image: string) => REFS[image.includes("private") ? "private" : "app"]!;
const secret = (username: string, password: string): PullSecret => ({ name: `${username}-${password}`, registry: HOST, username, password });
const SECRETS = [[], [secret("alice", "pw")], [secret("bob", "pw")], [secret("alice", "old")]] as const;
const ALLOWLISTS = [[`${HOST}/private`], [`${HOST}/*`], [`${HOST}/app`], [`${HOST}/private`, `${HOST}/app`]];

const failure = (image: string) =>
  fc.constantFrom(
    { code: "Unknown", message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": connection refused` },
    { code: "NotFound", message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found` },
    { code: "Unavailable", message: "connection error" },
  );

const rule = (image: string): fc.Arbitrary<PullRule> =>
  fc.oneof(
    fc.constant<PullRule>({ image, ref: refOf(image), ...(image.includes("private") ? { auth: [{ username: "alice", password: "pw" }] } : {}) }),
    failure(image).map((error): PullRule => ({ image, error })),
  );

const call: fc.Arbitrary<OracleCall> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        pod: fc.constantFrom("a", "b", "c"),
        image: fc.constantFrom(...IMAGES),
        policy: fc.constantFrom(undefined, "Always", "IfNotPresent", "Never"),
        secrets: fc.constantFrom(...SECRETS),
      })
      .map(({ pod, image, policy, secrets }) => ({
        op: "ensureImage" as const,
        pod: { name: pod },
        container: { image, ...(policy ? { imagePullPolicy: policy } : {}) },
        ...(secrets.length ? { pullSecrets: [...secrets] } : {}),
      })),
  },
  { weight: 3, arbitrary: fc.constantFrom(1, 5, 9, 10, 11, 20, 301, 601).map((seconds) => ({ op: "step" as const, seconds })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...IMAGES)
      .chain((image) => rule(image))
      .map((r) => ({ op: "runtime" as const, pulls: [r] })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...IMAGES).map((image) => ({ op: "removeImage" as const, image })) },
  { weight: 1, arbitrary: fc.constant({ op: "restartKubelet" as const }) },
);

export const generatedSequence: fc.Arbitrary<OracleInput> = fc
  .record({
    policy: fc.constantFrom(undefined, "NeverVerify", "NeverVerifyPreloadedImages", "NeverVerifyAllowlistedImages", "AlwaysVerify"),
    allowlist: fc.constantFrom(...ALLOWLISTS),
    preloaded: fc.subarray([...IMAGES], { maxLength: 2 }),
    rules: fc.tuple(...IMAGES.map(rule)),
    calls: fc.array(call, { minLength: 1, maxLength: 12 }),
  })
  .map(({ policy, allowlist, preloaded, rules, calls }) => ({
    apiVersion: "pullcheck.oracle/v1" as const,
    ...(policy
      ? {
          kubeletConfig: {
            imagePullCredentialsVerificationPolicy: policy,
            ...(policy === "NeverVerifyAllowlistedImages" ? { preloadedImagesVerificationAllowlist: allowlist } : {}),
          },
        }
      : {}),
    images: preloaded.map((image) => ({ image, ref: refOf(image) })),
    pulls: rules,
    calls,
  }));
