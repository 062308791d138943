import type { FaultKind } from "./fault-kind.js";

export interface ResetFault {
  kind: "reset";
}

export const reset: FaultKind<ResetFault> = {
  kind: "reset",
  form: "word",
  shapesTime: false,
  doc: { syntax: "`reset`", nodeSees: "connection reset by peer", madeBy: "Toxiproxy `reset_peer`" },
  parse: () => ({ kind: "reset" }),
  describe: () => "reset",
  effect: () => ({ by: "toxiproxy", toxic: { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } } }),
};
