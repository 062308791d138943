import { describe } from "../checker.js";
import type { StepKind } from "./step-kind.js";

export interface RestartStep {
  kind: "restart";
  target: "kubelet";
}

export const restart: StepKind<RestartStep> = {
  kind: "restart",
  doc: { syntax: "`restart: kubelet`", meaning: "restart the node agent: back-off state is lost; the image store and KEP-2535 records stay" },
  schema: { const: "kubelet" },
  parse({ body, path, check }) {
    if (body !== "kubelet") check.problem(path, `restart takes "kubelet", not ${describe(body)}`, "write `restart: kubelet`");
    return { kind: "restart", target: "kubelet" };
  },
  describe: () => "restart kubelet",
  perform: (_step, context) => context.node.restartKubelet(),
};
