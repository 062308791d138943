import { verdict, type Invariant } from "./invariant.js";

export const s5: Invariant = {
  id: "S5",
  title: "Never never contacts the registry",
  check({ timeline, pods, policies }) {
    const neverPods = pods.filter((p) => {
      const policy = policies.get(p.policy);
      return p.policy === "Never" || (policy?.kind === "proposed" && policy.contact.kind === "never");
    });
    const violated = neverPods.flatMap((pod) =>
      timeline
        .of("request", pod.runIndex)
        .filter((r) => r.pod === pod.name)
        .map((r) => `pod/${pod.name} (${pod.policy}) sent ${r.method} ${r.path}`),
    );
    const held = violated.length === 0 ? neverPods.map((p) => `pod/${p.name}: no registry request`) : [];
    return verdict(this, { violated, held, applies: neverPods.length > 0 });
  },
};
