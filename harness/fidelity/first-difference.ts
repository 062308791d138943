/**
 * Where two answers to the same sequence part: the first call whose outcome, events or runtime
 * calls differ, or else the KEP-2535 records left on disk, with both sides' evidence.
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
  for (const want of oracle.results) {
    const got = sim.results.find((r) => r.index === want.index && r.op === want.op && r.completes === want.completes);
    if (!got) return { call: want.index, what: "result", oracle: want, sim: undefined };
    // EnsureImageExists also returns a message on success; the kubelet shows only an error's.
    for (const field of ["imagePullPolicy", "pending", "error", "imageRef", ...(want.error ? (["message"] as const) : [])] as const) {
      if (want[field] !== got[field]) return { call: want.index, what: field, oracle: want[field], sim: got[field] };
    }
    if (String(want.abandoned ?? []) !== String(got.abandoned ?? []))
      return { call: want.index, what: "abandoned calls", oracle: want.abandoned, sim: got.abandoned };
    const inOrder = concurrentEnds(oracle, want.index) < 2 ? (list: string[]) => list : (list: string[]) => [...list].sort();
    const events = [inOrder(want.events.map(event)), inOrder(got.events.map(event))];
    if (JSON.stringify(events[0]) !== JSON.stringify(events[1])) return { call: want.index, what: "events", oracle: events[0], sim: events[1] };
    const cri = [inOrder(imagePathCalls(want.cri)), inOrder(imagePathCalls(got.cri))];
    if (JSON.stringify(cri[0]) !== JSON.stringify(cri[1])) return { call: want.index, what: "runtime calls", oracle: cri[0], sim: cri[1] };
  }
  const extra = sim.results.find((got) => !oracle.results.some((want) => want.index === got.index && want.op === got.op && want.completes === got.completes));
  if (extra) return { call: extra.index, what: "result", oracle: undefined, sim: extra };
  if (oracle.records && sim.records) {
    for (const kind of ["intents", "pulled"] as const) {
      const [want, got] = [oracle.records[kind].map(record), sim.records[kind].map(record)];
      if (JSON.stringify(want) !== JSON.stringify(got))
        return { call: oracle.results.length, what: `KEP-2535 ${kind} records at the end`, oracle: want, sim: got };
    }
  }
  return undefined;
}

/**
 * How many ensureImage calls ended while call `index` was answered: its own (unless it is left
 * pending) and the async ones it reports finished. Two or more ran on goroutines of their own,
 * and the order of their events and runtime calls is a race in the kubelet (the oracle shows
 * either order from one run to the next), so the comparison leaves it out there.
 */
function concurrentEnds(output: OracleOutput, index: number): number {
  return output.results.filter((r) => r.index === index && r.op === "ensureImage" && !r.pending).length;
}

/** A record file's content, keys sorted, without lastUpdatedTime (the kubelet reads the real clock there). */
function record(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([key]) => key !== "lastUpdatedTime")
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, inner]) => [key, sorted(inner)]),
          )
        : v;
  return JSON.stringify(sorted(value));
}

/**
 * The kubelet times pulls on the real clock, so its `Successfully pulled … in 3.2ms` messages all
 * differ: they are never counted as repeats, and ten of them within 10 minutes are aggregated
 * (events_cache.go), where the simulation's equal messages are counted. For those, the count and
 * the aggregation prefix are left out.
 */
function event(e: OracleEvent): string {
  const timed = / in \S+ \(\S+ including waiting\)/;
  const message = timed.test(e.message)
    ? e.message.replace(timed, " in <duration> (<duration> including waiting)").replace(/^\(combined from similar events\): /, "")
    : e.message;
  const count = e.dropped ? " (dropped by the spam filter)" : timed.test(e.message) ? "" : ` ×${e.count}`;
  return `${e.pod} ${e.type} ${e.reason}${count}: ${message}`;
}

/** The runtime calls of the image path; a starting kubelet also asks ImageFsInfo (image GC), which the simulation does not model. */
function imagePathCalls(calls: OracleCriCall[]): string[] {
  return calls.filter((c) => c.method !== "ImageFsInfo").map(criCall);
}

function criCall(c: OracleCriCall): string {
  const answer = c.error ? `error ${c.error}` : `ref ${c.ref ?? ""}`;
  return `${c.method}${c.image ? ` ${c.image}` : ""}${c.auth ? ` as ${c.auth.username}` : ""} → ${answer}`;
}

export function formatDifference(d: Difference): string {
  return [`call ${d.call}: ${d.what} differ`, `  kubelet:    ${JSON.stringify(d.oracle)}`, `  simulation: ${JSON.stringify(d.sim)}`].join("\n");
}
