import { repositoryOfPath, requestKind, type Observation, type ObservationOf } from "../../observe/observation.js";
import { credentialFingerprint } from "../../support/credential-fingerprint.js";
import { verdict, type Invariant, type PodFacts } from "./invariant.js";
import { fallbacks, type Fallback } from "./timeline-facts.js";
import { repositoryOfImage } from "../../scenario/image-names.js";

/**
 * A fallback to a cached private image holds only when, before it, the registry itself served
 * that image's manifest (same repository, same digest) to the credentials this pod carries, user
 * and password, or to no credentials at all (the image was public then). That is the evidence a
 * KEP-2535 pulled record stands for: a pull that succeeded with those credentials. Another
 * image's pull, another user's, or an old password of the same user are not.
 */
export const s4: Invariant = {
  id: "S4",
  title: "Fallback never widens access: a cached private image only for a pod whose own credentials were verified",
  check({ timeline, pods, policies, registryPrivate }) {
    const violated: string[] = [];
    const expected: string[] = [];
    const held: string[] = [];
    if (registryPrivate) {
      const all = timeline.all();
      for (const fallback of fallbacks(timeline)) {
        const pod = pods.findLast((p) => p.name === fallback.pod && p.runIndex <= fallback.index);
        if (!pod) continue;
        const who = pod.secret ? `credentials of ${pod.secret.user}` : "no pull secret";
        const proof = verifyingRequest(all.slice(0, fallback.index), pod, fallback);
        if (proof) {
          held.push(`pod/${pod.name} fell back to ${fallback.digest ?? pod.image} with ${who}: the registry served it to ${proof}`);
          continue;
        }
        const policy = policies.get(pod.policy);
        const line = `pod/${pod.name} started a cached private image (${repositoryOfImage(pod.image) ?? pod.image}${fallback.digest ? `@${fallback.digest}` : ""}) that the registry never served to the pod's own credentials (${who})`;
        if (policy?.kind === "proposed" && !policy.requireVerifiedCredentials) expected.push(`${line}; ${policy.name} has requireVerifiedCredentials: false`);
        else violated.push(line);
      }
    }
    return verdict(this, { violated, expected, held, applies: registryPrivate && pods.some((p) => policies.get(p.policy)?.kind === "proposed") });
  },
  byDefinition: (policy) =>
    policy.requireVerifiedCredentials || !Object.values(policy.fallback).includes("UseCached")
      ? { kept: true }
      : { kept: false, because: "falls back without verified credentials" },
};

/** The earlier manifest GET that vouches for this pod's credentials and this image, described; undefined when none does. */
function verifyingRequest(before: readonly Observation[], pod: PodFacts, fallback: Fallback): string | undefined {
  const credential = pod.secret ? credentialFingerprint(pod.secret.user, pod.secret.password) : undefined;
  const repository = repositoryOfImage(pod.image);
  const index = before.findIndex(
    (o): o is ObservationOf<"request"> =>
      o.kind === "request" &&
      !o.injected &&
      !o.aborted &&
      o.status >= 200 &&
      o.status < 300 &&
      requestKind(o) === "manifestGet" &&
      repository !== undefined &&
      repositoryOfPath(o.path) === repository &&
      (o.credential === undefined || o.credential === credential) &&
      (fallback.digest === undefined || o.digest === undefined || o.digest === fallback.digest),
  );
  if (index < 0) return undefined;
  const request = before[index] as ObservationOf<"request">;
  return `${request.user ? `the same user and password (${request.user})` : "anyone (no credentials)"} in the manifest GET at #${index}`;
}
