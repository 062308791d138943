import { requestKind } from "../../observe/observation.js";
import { verdict, type Invariant } from "./invariant.js";
import { fallbacks } from "./timeline-facts.js";

export const s4: Invariant = {
  id: "S4",
  title: "Fallback never widens access: a cached private image only for a pod whose own credentials were verified",
  check({ timeline, pods, policies, registryPrivate, passwordsEverValid }) {
    const violated: string[] = [];
    const expected: string[] = [];
    const held: string[] = [];
    if (registryPrivate) {
      for (const fallback of fallbacks(timeline)) {
        const pod = pods.find((p) => p.name === fallback.pod);
        const verifiedUsers = new Set(
          timeline
            .all()
            .slice(0, fallback.index)
            .flatMap((o) => (o.kind === "request" && o.user && !o.injected && o.status < 300 && requestKind(o) === "manifestGet" ? [o.user] : [])),
        );
        const secret = pod?.secret;
        if (secret && verifiedUsers.has(secret.user) && passwordsEverValid.get(secret.user)?.has(secret.password)) {
          held.push(`pod/${fallback.pod} fell back with credentials of ${secret.user}, verified earlier`);
          continue;
        }
        const policy = policies.get(pod?.policy ?? "");
        const line = `pod/${fallback.pod} started a cached private image without its own verified credentials (${secret ? `secret user ${secret.user}` : "no pull secret"})`;
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
