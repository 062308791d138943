/**
 * Faults between the node under test and the registry, as scenario files name them
 * (SCENARIO-FORMAT.md, "Faults"). TCP faults are Toxiproxy's; HTTP faults are the gate's.
 */

export type HttpFaultStatus = 401 | 403 | 404 | 429 | 500 | 503;
export const HTTP_FAULT_STATUSES: readonly HttpFaultStatus[] = [401, 403, 404, 429, 500, 503];

export type FaultTarget = "manifests" | "blobs" | "all";

export type FaultSpec =
  /** Connection refused: the Toxiproxy listener is disabled. */
  | { kind: "down" }
  /** Connections are accepted but nothing comes back (Toxiproxy `timeout` toxic, 0 = forever). */
  | { kind: "timeout" }
  /** Connections are reset by peer (Toxiproxy `reset_peer`). */
  | { kind: "reset" }
  | { kind: "latency"; latencyMs: number }
  | { kind: "bandwidth"; bytesPerSecond: number }
  /** The connection is closed after this many bytes from the registry (Toxiproxy `limit_data`). */
  | { kind: "cut"; bytes: number }
  | { kind: "http"; status: HttpFaultStatus; on: FaultTarget; retryAfterMs?: number }
  /** Blob bytes are altered on the way (same length), so digests no longer verify. */
  | { kind: "tamper"; on: "blobs" };

/** How a fault is written back in reports: the scenario's own spelling. */
export function describeFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case "down":
    case "timeout":
    case "reset":
      return fault.kind;
    case "latency":
      return `latency ${fault.latencyMs}ms`;
    case "bandwidth":
      return `bandwidth ${fault.bytesPerSecond}B/s`;
    case "cut":
      return `cut after ${fault.bytes}B`;
    case "http":
      return `http ${fault.status} on ${fault.on}${fault.retryAfterMs !== undefined ? ` (Retry-After ${fault.retryAfterMs / 1000}s)` : ""}`;
    case "tamper":
      return `tamper ${fault.on}`;
  }
}
