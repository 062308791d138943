import { FAULT_SCHEMA, describeFault, parseFault, type FaultSpec } from "../faults/index.js";
import type { StepKind } from "./step-kind.js";

export interface FaultStep {
  kind: "fault";
  fault: FaultSpec;
}

export const fault: StepKind<FaultStep> = {
  kind: "fault",
  doc: { syntax: "`fault: F`", meaning: "add a fault between node and registry (faults accumulate; see Faults)" },
  schema: FAULT_SCHEMA,
  parse({ body, path, check }) {
    const spec = parseFault(body, path, check);
    return spec ? { kind: "fault", fault: spec } : undefined;
  },
  describe: (step) => `fault ${describeFault(step.fault)}`,
  perform: (step, context) => context.faults.apply(step.fault),
};
