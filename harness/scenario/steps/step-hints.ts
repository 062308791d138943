import type { StepState } from "./step-kind.js";

/** The hint for a step that names a pod no earlier step created. */
export function knownPods(state: StepState): string {
  return state.createdPods.size ? `pods so far: ${[...state.createdPods].join(", ")}` : "add a run step that creates it first";
}
