import type { Observation } from "../../observe/observation.js";
import { verdict, type Invariant } from "./invariant.js";
import { starts } from "./timeline-facts.js";

export const s2: Invariant = {
  id: "S2",
  title: "No policy starts content whose digest does not verify",
  check({ timeline, pods, contentVerified, knownDigests }) {
    const all = timeline.all();
    const violated: string[] = [];
    const held: string[] = [];
    for (const pod of pods) {
      for (const start of starts(all, pod.name)) {
        const state = (all[start] as Extract<Observation, { kind: "status" }>).state;
        const imageID = state.imageID ?? "";
        const digest = imageID.slice(imageID.indexOf("@") + 1);
        const verified = contentVerified(pod.name, imageID);
        if (!knownDigests.has(digest) || verified === false) violated.push(`pod/${pod.name} runs ${imageID}: content does not verify`);
        else held.push(`pod/${pod.name} runs ${imageID}: digest verified`);
      }
    }
    return verdict(this, { violated, held, applies: held.length + violated.length > 0 });
  },
};
