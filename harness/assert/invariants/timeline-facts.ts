/** What several invariants read off a timeline: container starts and fallbacks. */
import type { FailureClass } from "../../policy/failure-class.js";
import type { Observation } from "../../observe/observation.js";
import type { Timeline } from "../../observe/timeline.js";

/** Indexes of the timeline where the pod's container went from not running to running. */
export function starts(all: readonly Observation[], pod: string): number[] {
  const found: number[] = [];
  let running = false;
  all.forEach((o, index) => {
    if (o.kind !== "status" || o.pod !== pod) return;
    if (o.state.phase === "running" && !running) found.push(index);
    running = o.state.phase === "running";
  });
  return found;
}

export interface Fallback {
  pod: string;
  failureClass: FailureClass | undefined;
  message: string;
  /** Timeline index of the ImagePullFallback event. */
  index: number;
  /** The digest the event says it starts ("… starting cached image "x" (sha256:…)"). */
  digest: string | undefined;
}

/** Parses the failure class out of an ImagePullFallback event message. */
const FALLBACK_CLASS = /registry check failed \((\w+)\)/i;
const FALLBACK_DIGEST = /starting cached image .* \((sha256:[0-9a-f]{64})\)$/;

export function fallbacks(timeline: Timeline): Fallback[] {
  const found: Fallback[] = [];
  timeline.all().forEach((o, index) => {
    if (o.kind === "event" && o.reason === "ImagePullFallback") {
      found.push({
        pod: o.pod,
        failureClass: FALLBACK_CLASS.exec(o.message)?.[1] as FailureClass | undefined,
        message: o.message,
        index,
        digest: FALLBACK_DIGEST.exec(o.message)?.[1],
      });
    }
  });
  return found;
}
