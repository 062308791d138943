import type { GateLogEntry } from "../environment/gate/http-gate.js";
import type { Observation } from "../observe/observation.js";

/** One line of the gate's access log as a timeline observation, stamped when the runner saw it. */
export function gateEntryToObservation(entry: unknown, now: number): Extract<Observation, { kind: "request" }> {
  const e = entry as GateLogEntry;
  return {
    kind: "request",
    at: now,
    pod: e.pod,
    node: e.node,
    method: e.method,
    path: e.path,
    status: e.status,
    bytes: e.bytes,
    user: e.user,
    ...(e.credential ? { credential: e.credential } : {}),
    ...(e.digest ? { digest: e.digest } : {}),
    injected: e.injected,
    ...(e.aborted ? { aborted: true as const } : {}),
  };
}
