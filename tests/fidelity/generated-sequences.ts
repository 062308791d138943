/**
 * Random call sequences (fast-check, seeded) over what the kubelet's image path depends on:
 * pull policy (given or defaulted), an image present or not, preloaded or pulled, pods with and
 * without credentials (secrets for the registry, for one repository of it, for a wildcard host,
 * for another registry), the credential verification policy and its allowlist (valid patterns and
 * ones the kubelet refuses), the feature gate, serialized or parallel pulls and the pull QPS
 * limit, pulls that fail and heal, time passing across back-off edges and the 600 s reset, image
 * GC, pod deletions and kubelet restarts. Some sequences run every start asynchronously with pulls
 * that hold until released, so that a kubelet restarts while a pull is in flight.
 */
import fc from "fast-check";
import type { OracleCall, OracleInput, PullRule, PullSecret } from "../../harness/fidelity/oracle-json.js";
import type { NodeConfig } from "../../harness/scenario/types.js";

const HOST = "registry.pullcheck.test";
const IMAGES = [`${HOST}/app:latest`, `${HOST}/app:v1`, `${HOST}/private:latest`, `${HOST}/app`] as const;
const REFS: Record<string, string> = { app: "sha256:aaaa", private: "sha256:bbbb" };
const refOf = (image: string) => REFS[image.includes("private") ? "private" : "app"]!;
const secret = (username: string, password: string, registry = HOST): PullSecret => ({ name: `${username}-${password}`, registry, username, password });
const SECRETS = [
  [],
  [secret("alice", "pw")],
  [secret("bob", "pw")],
  [secret("alice", "old")],
  [secret("carol", "pw", "other.registry.test")],
  [secret("alice", "pw", `${HOST}/private`)],
  [secret("alice", "pw", "*.pullcheck.test")],
  [secret("bob", "pw"), secret("alice", "pw", `https://${HOST}/private`)],
] as const;
const ALLOWLISTS = [[`${HOST}/private`], [`${HOST}/*`], [`${HOST}/app`], [`${HOST}/private`, `${HOST}/app`]];
/** Patterns some release refuses: a short name (1.35), a tag, a star inside, a bare "/*". */
const REFUSED_ALLOWLISTS = [["private"], [`${HOST}/private:v1`], [`${HOST}/*/app`], ["/*"]];

const failure = (image: string) =>
  fc.constantFrom(
    { code: "Unknown", message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": connection refused` },
    { code: "NotFound", message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found` },
    { code: "Unavailable", message: "connection error" },
  );

const rule = (image: string, holds: boolean): fc.Arbitrary<PullRule> =>
  fc
    .tuple(
      fc.oneof(
        fc.constant<PullRule>({ image, ref: refOf(image), ...(image.includes("private") ? { auth: [{ username: "alice", password: "pw" }] } : {}) }),
        failure(image).map((error): PullRule => ({ image, error })),
      ),
      holds ? fc.boolean() : fc.constant(false),
    )
    .map(([r, hold]) => (hold ? { ...r, hold } : r));

const step = fc.constantFrom(1, 5, 9, 10, 11, 20, 301, 601).map((seconds) => ({ op: "step" as const, seconds }));

const call = (asynchronous: boolean): fc.Arbitrary<OracleCall> =>
  fc.oneof(
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
          ...(asynchronous ? { async: true } : {}),
        })),
    },
    { weight: 3, arbitrary: step },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...IMAGES)
        .chain((image) => rule(image, asynchronous))
        .map((r) => ({ op: "runtime" as const, pulls: [r] })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...IMAGES).map((image) => ({ op: "removeImage" as const, image })) },
    { weight: 1, arbitrary: fc.constantFrom("a", "b", "c").map((name) => ({ op: "deletePod" as const, pod: { name } })) },
    { weight: 1, arbitrary: fc.constant({ op: "restartKubelet" as const }) },
    { weight: asynchronous ? 3 : 0, arbitrary: fc.constantFrom(...IMAGES).map((image) => ({ op: "release" as const, image })) },
  );

/** The kubelet config: the verification policy and allowlist, the gate, how pulls are queued and limited. */
const kubeletConfig: fc.Arbitrary<NodeConfig> = fc
  .record({
    policy: fc.constantFrom(undefined, "NeverVerify", "NeverVerifyPreloadedImages", "NeverVerifyAllowlistedImages", "AlwaysVerify"),
    allowlist: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ALLOWLISTS) }, { weight: 1, arbitrary: fc.constantFrom(...REFUSED_ALLOWLISTS) }),
    gateOff: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    pulls: fc.oneof(
      { weight: 6, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<NodeConfig>(
          { serializeImagePulls: false },
          { maxParallelImagePulls: 2 },
          { serializeImagePulls: true, maxParallelImagePulls: 2 },
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<NodeConfig>({ registryPullQPS: 1, registryBurst: 1 }, { registryPullQPS: 0 }, { registryPullQPS: 1, registryBurst: 2 }),
      },
    ),
  })
  .map(({ policy, allowlist, gateOff, pulls }) => ({
    ...pulls,
    ...(policy ? { imagePullCredentialsVerificationPolicy: policy } : {}),
    ...(policy === "NeverVerifyAllowlistedImages" ? { preloadedImagesVerificationAllowlist: allowlist } : {}),
    ...(gateOff ? { featureGates: { KubeletEnsureSecretPulledImages: false } } : {}),
  }));

export const generatedSequence: fc.Arbitrary<OracleInput> = fc
  .oneof({ weight: 32, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
  .chain((asynchronous) =>
    fc.record({
      config: kubeletConfig,
      preloaded: fc.subarray([...IMAGES], { maxLength: 2 }),
      rules: fc.tuple(...IMAGES.map((image) => rule(image, asynchronous))),
      calls: fc.oneof(
        { weight: 9, arbitrary: fc.array(call(asynchronous), { minLength: 1, maxLength: 12 }) },
        { weight: 1, arbitrary: fc.array(call(asynchronous), { minLength: 20, maxLength: 40 }) },
      ),
    }),
  )
  .map(({ config, preloaded, rules, calls }) => ({
    apiVersion: "pullcheck.oracle/v1" as const,
    ...(Object.keys(config).length > 0 ? { kubeletConfig: config } : {}),
    images: preloaded.map((image) => ({ image, ref: refOf(image) })),
    pulls: rules,
    calls,
  }));
