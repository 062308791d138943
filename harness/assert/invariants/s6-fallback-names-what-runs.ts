import type { Observation } from "../../observe/observation.js";
import { verdict, type Invariant } from "./invariant.js";
import { fallbacks, starts } from "./timeline-facts.js";

/**
 * A fallback is only as safe as it is visible: the Warning event is what tells an operator which
 * image a node chose on its own, so the container must run the digest the event names.
 */
export const s6: Invariant = {
  id: "S6",
  title: "A fallback says what it starts: the container runs the digest its ImagePullFallback event names",
  check({ timeline }) {
    const all = timeline.all();
    const violated: string[] = [];
    const held: string[] = [];
    const found = fallbacks(timeline);
    for (const fallback of found) {
      const start = starts(all, fallback.pod).find((index) => index > fallback.index);
      if (start === undefined) continue;
      const imageID = (all[start] as Extract<Observation, { kind: "status" }>).state.imageID ?? "";
      const digest = imageID.slice(imageID.indexOf("@") + 1);
      if (digest !== "" && fallback.message.includes(digest)) held.push(`pod/${fallback.pod} runs ${digest}, as its ImagePullFallback event says`);
      else violated.push(`pod/${fallback.pod} runs ${imageID || "an image without an ID"}, but its ImagePullFallback event says: ${fallback.message}`);
    }
    return verdict(this, { violated, held, applies: found.length > 0 });
  },
};
