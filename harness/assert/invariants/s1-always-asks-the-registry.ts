import { requestKind } from "../../observe/observation.js";
import { verdict, type Invariant } from "./invariant.js";
import { starts } from "./timeline-facts.js";

export const s1: Invariant = {
  id: "S1",
  title: "Always never starts a container without a successful registry check for that start",
  check({ timeline, pods }) {
    const all = timeline.all();
    const violated: string[] = [];
    const held: string[] = [];
    const alwaysPods = pods.filter((p) => p.policy === "Always");
    for (const pod of alwaysPods) {
      let from = pod.runIndex;
      for (const start of starts(all, pod.name)) {
        const checked = all
          .slice(from, start)
          .some(
            (o) =>
              o.kind === "request" &&
              o.pod === pod.name &&
              !o.injected &&
              !o.aborted &&
              o.status >= 200 &&
              o.status < 300 &&
              (requestKind(o) === "manifestHead" || requestKind(o) === "manifestGet"),
          );
        (checked ? held : violated).push(
          `pod/${pod.name} start at #${start}: ${checked ? "registry answered 2xx for the manifest" : "started without a successful manifest request since its previous start"}`,
        );
        from = start;
      }
    }
    return verdict(this, { violated, held, applies: alwaysPods.length > 0 });
  },
};
