/**
 * Call sequences whose answers the simulation must share with the kubelet's own code. A sequence
 * with `differs` is a known difference (docs/simulation.md, "Checked against the kubelet's own code"): the test checks
 * that it still differs, so that the list is kept true when one is fixed.
 */
import type { OracleInput, PullSecret } from "../../harness/fidelity/oracle-json.js";

export interface Sequence {
  name: string;
  input: OracleInput;
  /** Why the simulation does not answer as the kubelet does yet. */
  differs?: string;
}

const HOST = "registry.pullcheck.test";
const APP = `${HOST}/app:latest`;
const PRIVATE = `${HOST}/private:latest`;
const refused = { code: "Unknown", message: `failed to pull and unpack image "${APP}": failed to resolve reference "${APP}": connection refused` };
const alice: PullSecret = { name: "alice-secret", registry: HOST, username: "alice", password: "pw" };
const ensure = (pod: string, image: string, imagePullPolicy?: string, pullSecrets?: PullSecret[]) =>
  ({
    op: "ensureImage",
    pod: { name: pod },
    container: { image, ...(imagePullPolicy ? { imagePullPolicy } : {}) },
    ...(pullSecrets ? { pullSecrets } : {}),
  }) as const;
const step = (seconds: number) => ({ op: "step", seconds }) as const;
const sequence = (name: string, rest: Omit<OracleInput, "apiVersion">, differs?: string): Sequence => ({
  name,
  input: { apiVersion: "pullcheck.oracle/v1", ...rest },
  ...(differs ? { differs } : {}),
});

export const SEQUENCES: Sequence[] = [
  sequence("IfNotPresent with the image present asks nothing of the registry", {
    images: [{ image: `${HOST}/app:v1`, ref: "sha256:1111" }],
    calls: [ensure("a", `${HOST}/app:v1`), ensure("b", `${HOST}/app:v1`, "IfNotPresent")],
  }),
  sequence("Never with the image absent", { calls: [ensure("a", APP, "Never")] }),
  sequence("a pull that fails: ErrImagePull, back-off for 10 s, then 20 s, then a pull again", {
    pulls: [{ image: APP, error: refused }],
    calls: [ensure("a", APP), step(5), ensure("a", APP), step(6), ensure("a", APP), step(10), ensure("a", APP), step(21), ensure("a", APP)],
  }),
  sequence("the registry heals during the back-off", {
    pulls: [{ image: APP, error: refused }],
    calls: [ensure("a", APP), { op: "runtime", pulls: [{ image: APP, ref: "sha256:2222" }] }, step(5), ensure("a", APP), step(6), ensure("a", APP)],
  }),
  sequence("a kubelet restart forgets the back-off", {
    pulls: [{ image: APP, error: refused }],
    calls: [ensure("a", APP), { op: "restartKubelet" }, ensure("a", APP)],
  }),
  sequence("KEP-2535: a pod without credentials cannot use an image pulled with a secret", {
    pulls: [{ image: PRIVATE, ref: "sha256:3333", auth: [{ username: "alice", password: "pw" }] }],
    calls: [
      ensure("a", PRIVATE, "IfNotPresent", [alice]),
      ensure("b", PRIVATE, "IfNotPresent"),
      ensure("c", PRIVATE, "Never"),
      ensure("d", PRIVATE, "IfNotPresent", [alice]),
    ],
  }),
  sequence("KEP-2535 under NeverVerify: any pod may use what is on the node", {
    kubeletConfig: { imagePullCredentialsVerificationPolicy: "NeverVerify" },
    pulls: [{ image: PRIVATE, ref: "sha256:3333", auth: [{ username: "alice", password: "pw" }] }],
    calls: [ensure("a", PRIVATE, "IfNotPresent", [alice]), ensure("b", PRIVATE, "IfNotPresent")],
  }),
  sequence("a preloaded image under the default policy needs no credentials", {
    images: [{ image: PRIVATE, ref: "sha256:3333" }],
    calls: [ensure("b", PRIVATE, "IfNotPresent"), ensure("c", PRIVATE, "Never")],
  }),
  sequence("registryPullQPS 1, burst 1: the second pull at once is refused, one a second later is not", {
    kubeletConfig: { registryPullQPS: 1, registryBurst: 1 },
    pulls: [
      { image: APP, ref: "sha256:2222" },
      { image: `${HOST}/other:latest`, ref: "sha256:4444" },
    ],
    calls: [ensure("a", APP), ensure("b", `${HOST}/other:latest`), step(1), ensure("c", `${HOST}/other:latest`)],
  }),
  sequence("invalid image names: InspectFailed and InvalidImageName", {
    calls: [ensure("a", "FAILED_IMAGE", "IfNotPresent"), ensure("b", "http://url", "IfNotPresent"), ensure("c", "Team/App:latest", "IfNotPresent")],
  }),
  sequence("an image garbage-collected between two starts is pulled again", {
    pulls: [{ image: APP, ref: "sha256:2222" }],
    calls: [ensure("a", APP, "IfNotPresent"), { op: "removeImage", image: APP }, ensure("b", APP, "IfNotPresent")],
  }),
  sequence("a pod that keeps failing for 10 minutes: 25 events per pod and type reach the API server, then one per 5 minutes", {
    pulls: [{ image: APP, error: refused }],
    calls: Array.from({ length: 60 }, () => [ensure("a", APP), step(10)]).flat(),
  }),
  sequence("a kubelet restarted during a pull: the intent becomes a record without credentials once the image is there", {
    images: [{ image: APP, ref: "sha256:2222" }],
    pulls: [{ image: APP, ref: "sha256:2222", hold: true }],
    calls: [
      { ...ensure("a", APP, "Always", [{ ...alice, name: "alice-app" }]), async: true },
      { op: "restartKubelet" },
      { op: "release", image: APP },
      ensure("b", APP, "IfNotPresent"),
    ],
  }),
  sequence("a pull queued behind one cut off by a restart never starts; the new kubelet pulls anew", {
    pulls: [{ image: APP, ref: "sha256:2222", hold: true }],
    calls: [
      { ...ensure("a", APP), async: true },
      { ...ensure("b", APP), async: true },
      { op: "restartKubelet" },
      { ...ensure("c", APP), async: true },
      { op: "release", image: APP },
    ],
  }),
  sequence("a secret for another registry is not used: the pull is anonymous", {
    pulls: [{ image: PRIVATE, ref: "sha256:3333", auth: [{ username: "alice", password: "pw" }] }],
    calls: [ensure("a", PRIVATE, "IfNotPresent", [{ ...alice, registry: "other.registry.test" }]), ensure("b", PRIVATE, "IfNotPresent", [alice])],
  }),
  sequence("two credentials that fail alike give one error, as utilerrors.NewAggregate words it", {
    pulls: [{ image: APP, error: refused }],
    calls: [ensure("a", APP, "Always", [alice, { ...alice, name: "alice-too", registry: `${HOST}/app` }])],
  }),
  sequence("the feature gate turned off in the config: no credential check, no records", {
    kubeletConfig: { featureGates: { KubeletEnsureSecretPulledImages: false } },
    pulls: [{ image: PRIVATE, ref: "sha256:3333", auth: [{ username: "alice", password: "pw" }] }],
    calls: [ensure("a", PRIVATE, "IfNotPresent", [alice]), ensure("b", PRIVATE, "IfNotPresent")],
  }),
  sequence("the feature gate turned off, with a verification policy set: the kubelet refuses the config", {
    kubeletConfig: { featureGates: { KubeletEnsureSecretPulledImages: false }, imagePullCredentialsVerificationPolicy: "AlwaysVerify" },
    calls: [ensure("a", APP, "IfNotPresent")],
  }),
  // 1.35 refuses a short name in the allowlist (it must be the normalized name); 1.36+ takes it.
  sequence("an allowlist pattern written as a short name", {
    kubeletConfig: { imagePullCredentialsVerificationPolicy: "NeverVerifyAllowlistedImages", preloadedImagesVerificationAllowlist: ["nginx"] },
    calls: [ensure("a", "nginx:1.0", "IfNotPresent")],
  }),
  // 1.35 matches the allowlist against the image as written, tag included (b must verify); 1.36+
  // cuts the tag first (b may use the image).
  sequence("the verification allowlist names the repository, the pod's image has a tag", {
    kubeletConfig: { imagePullCredentialsVerificationPolicy: "NeverVerifyAllowlistedImages", preloadedImagesVerificationAllowlist: [`${HOST}/private`] },
    pulls: [{ image: PRIVATE, ref: "sha256:3333", auth: [{ username: "alice", password: "pw" }] }],
    calls: [ensure("a", PRIVATE, "IfNotPresent", [alice]), ensure("b", PRIVATE, "IfNotPresent")],
  }),
];
