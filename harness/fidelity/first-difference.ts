/**
 * Where two answers to the same sequence part: the first call whose outcome, events or runtime
 * calls differ, with both sides' evidence. Durations in Pulled messages are left out: the kubelet
 * measures them on the real clock.
 */
import type { OracleCriCall, OracleEvent, OracleOutput } from "./oracle-json.js";

export interface Difference {
  /** Index of the call in the sequence; -1 for the configuration. */
  call: number;
  what: string;
  oracle: unknown;
  sim: unknown;
}

export function firstDifference(oracle: OracleOutput, sim: OracleOutput): Difference | undefined {
  if (oracle.config.valid !== sim.config.valid) return { call: -1, what: "configuration accepted", oracle: oracle.config, sim: sim.config };
  for (const [i, want] of oracle.results.entries()) {
    const got = sim.results.find((r) => r.index === want.index && r.op === want.op);
    if (!got) return { call: want.index, what: "result", oracle: want, sim: undefined };
    // EnsureImageExists also returns a message on success; the kubelet shows only an error's.
    for (const field of ["imagePullPolicy", "error", "imageRef", ...(want.error ? (["message"] as const) : [])] as const) {
      if (want[field] !== got[field]) return { call: want.index, what: field, oracle: want[field], sim: got[field] };
    }
    const events = [want.events.map(event), got.events.map(event)];
    if (JSON.stringify(events[0]) !== JSON.stringify(events[1])) return { call: want.index, what: "events", oracle: events[0], sim: events[1] };
    const cri = [imagePathCalls(want.cri), imagePathCalls(got.cri)];
    if (JSON.stringify(cri[0]) !== JSON.stringify(cri[1])) return { call: want.index, what: "runtime calls", oracle: cri[0], sim: cri[1] };
    if (i === oracle.results.length - 1 && sim.results.length > oracle.results.length)
      return { call: i + 1, what: "result", oracle: undefined, sim: sim.results[i + 1] };
  }
  return undefined;
}

function event(e: OracleEvent): string {
  const message = e.message.replace(/ in \S+ \(\S+ including waiting\)/, " in <duration> (<duration> including waiting)");
  return `${e.pod} ${e.type} ${e.reason}${e.dropped ? " (dropped by the spam filter)" : ""}: ${message}`;
}

/** The runtime calls of the image path; a starting kubelet also asks ImageFsInfo (image GC), which the simulation does not model. */
function imagePathCalls(calls: OracleCriCall[]): string[] {
  return calls.filter((c) => c.method !== "ImageFsInfo").map(criCall);
}

function criCall(c: OracleCriCall): string {
  const answer = c.error ? `error ${c.error}` : `ref ${c.ref ?? ""}`;
  return `${c.method} ${c.image}${c.auth ? ` as ${c.auth.username}` : ""} → ${answer}`;
}

export function formatDifference(d: Difference): string {
  return [`call ${d.call}: ${d.what} differ`, `  kubelet:    ${JSON.stringify(d.oracle)}`, `  simulation: ${JSON.stringify(d.sim)}`].join("\n");
}
