import type { FaultKind } from "./fault-kind.js";

export interface TimeoutFault {
  kind: "timeout";
}

export const timeout: FaultKind<TimeoutFault> = {
  kind: "timeout",
  form: "word",
  shapesTime: true,
  doc: { syntax: "`timeout`", nodeSees: "connections accepted, nothing answers", madeBy: "Toxiproxy `timeout` toxic (0 = forever)" },
  parse: () => ({ kind: "timeout" }),
  describe: () => "timeout",
  // timeout 0: data is dropped and the connection held until the toxic goes.
  effect: () => ({ by: "toxiproxy", toxic: { type: "timeout", stream: "upstream", attributes: { timeout: 0 } } }),
};
