import { duration } from "../../support/json-schema.js";
import { formatDuration } from "../../support/duration.js";
import type { FaultKind } from "./fault-kind.js";

export interface StallFault {
  kind: "stall";
  /** How long a connection is held, silent, before it is closed. */
  closeAfterMs: number;
}

/**
 * A registry behind a load balancer with no healthy backend: the connection is accepted, nothing
 * answers, and it is closed after a while. The node sees its request end without a response.
 */
export const stall: FaultKind<StallFault> = {
  kind: "stall",
  form: "mapping",
  shapesTime: true,
  doc: {
    syntax: "`{stall: 500ms}`",
    nodeSees: "connections accepted, nothing answers, closed after that long without a response",
    madeBy: "Toxiproxy `timeout` toxic with that timeout",
  },
  schema: { value: duration("how long a connection stays silent before it is closed (more than 0)") },
  parse({ value, path, check }) {
    const ms = check.duration(value, path, "stall");
    if (ms === 0) check.problem(path, "stall must be longer than 0s", "for a connection that is never closed, write `fault: timeout`");
    return ms === undefined || ms === 0 ? undefined : { kind: "stall", closeAfterMs: ms };
  },
  describe: (fault) => `stall ${formatDuration(fault.closeAfterMs)}`,
  effect: (fault) => ({ by: "toxiproxy", toxic: { type: "timeout", stream: "upstream", attributes: { timeout: fault.closeAfterMs } } }),
};
