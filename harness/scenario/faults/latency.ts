import { duration } from "../../support/json-schema.js";
import { formatDuration } from "../../support/duration.js";
import type { FaultKind } from "./fault-kind.js";

export interface LatencyFault {
  kind: "latency";
  latencyMs: number;
}

export const latency: FaultKind<LatencyFault> = {
  kind: "latency",
  form: "mapping",
  shapesTime: true,
  doc: { syntax: "`{latency: 2s}`", nodeSees: "every answer late by that much", madeBy: "Toxiproxy `latency`" },
  schema: { value: duration() },
  parse({ value, path, check }) {
    const ms = check.duration(value, path, "latency");
    return ms === undefined ? undefined : { kind: "latency", latencyMs: ms };
  },
  describe: (fault) => `latency ${formatDuration(fault.latencyMs)}`,
  effect: (fault) => ({ by: "toxiproxy", toxic: { type: "latency", stream: "downstream", attributes: { latency: fault.latencyMs, jitter: 0 } } }),
};
