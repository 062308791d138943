import { text } from "../../support/json-schema.js";
import type { StepKind } from "./step-kind.js";
import { knownPods } from "./step-hints.js";

export interface DeleteStep {
  kind: "delete";
  pod: string;
}

export const deleteStep: StepKind<DeleteStep> = {
  kind: "delete",
  doc: { syntax: "`delete: POD`", meaning: "delete the pod" },
  schema: text("the pod to delete"),
  parse({ body, path, check, state }) {
    const pod = check.string(body, path, "delete");
    if (pod && !state.livePods.has(pod)) check.problem(path, `pod ${pod} does not exist at this step`, knownPods(state));
    if (pod) state.livePods.delete(pod);
    return pod ? { kind: "delete", pod } : undefined;
  },
  describe: (step) => `delete pod/${step.pod}`,
  perform: (step, context) => context.node.deletePod(step.pod),
};
