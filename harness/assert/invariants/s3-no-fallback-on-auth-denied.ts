import { verdict, type Invariant } from "./invariant.js";
import { fallbacks } from "./timeline-facts.js";

export const s3: Invariant = {
  id: "S3",
  title: "No policy falls back on authDenied unless its definition says so",
  check({ timeline, pods, policies }) {
    const violated: string[] = [];
    const expected: string[] = [];
    for (const fallback of fallbacks(timeline)) {
      if (fallback.failureClass !== "authDenied") continue;
      const policy = policies.get(pods.find((p) => p.name === fallback.pod)?.policy ?? "");
      const allowed = policy?.kind === "proposed" && policy.fallback.authDenied === "UseCached";
      (allowed ? expected : violated).push(
        `pod/${fallback.pod} fell back on authDenied${allowed ? ` (${policy.name} says fallback.authDenied: UseCached)` : ""}: ${fallback.message}`,
      );
    }
    return verdict(this, { violated, expected, applies: pods.some((p) => policies.get(p.policy)?.kind === "proposed") });
  },
  byDefinition: (policy) => (policy.fallback.authDenied === "Fail" ? { kept: true } : { kept: false, because: "falls back on authDenied" }),
};
