import { describe } from "../checker.js";
import type { StepKind } from "./step-kind.js";

export interface HealStep {
  kind: "heal";
}

export const heal: StepKind<HealStep> = {
  kind: "heal",
  doc: { syntax: "`heal: all`", meaning: "remove every fault" },
  schema: { const: "all" },
  parse({ body, path, check }) {
    if (body !== "all") check.problem(path, `heal takes "all", not ${describe(body)}`, "write `heal: all`");
    return { kind: "heal" };
  },
  describe: () => "heal all",
  perform: (_step, context) => context.faults.heal(),
};
