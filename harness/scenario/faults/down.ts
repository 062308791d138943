import type { FaultKind } from "./fault-kind.js";

export interface DownFault {
  kind: "down";
}

export const down: FaultKind<DownFault> = {
  kind: "down",
  form: "word",
  shapesTime: false,
  doc: { syntax: "`down`", nodeSees: "connection refused", madeBy: "Toxiproxy (proxy disabled)" },
  parse: () => ({ kind: "down" }),
  describe: () => "down",
  effect: () => ({ by: "toxiproxy", disable: true }),
};
