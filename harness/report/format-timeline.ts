/** A readable timeline: one line per observation, time relative to the scenario's start. */
import type { Observation, ObservationKind, ObservationOf } from "../observe/observation.js";

type Formatters = { [K in ObservationKind]: (o: ObservationOf<K>) => string };

const FORMAT: Formatters = {
  step: (o) => `── step ${o.index + 1}: ${o.text}`,
  status: (o) =>
    o.state.phase === "running"
      ? `   pod/${o.pod} running ${o.state.imageID ?? ""}`
      : `   pod/${o.pod} ${o.state.phase === "creating" ? "waiting" : o.state.phase} ${o.state.reason}${o.state.message ? `: ${o.state.message}` : ""}`,
  event: (o) => `   event pod/${o.pod} ${o.type} ${o.reason}: ${o.message}`,
  request: (o) =>
    `   registry ${o.method} ${o.path} → ${o.status}${o.injected ? " (injected)" : ""}${o.aborted ? " (cut off)" : ""} ${o.bytes}B${o.pod ? ` [pod/${o.pod}${o.podMatchedByTime ? " by time" : ""}]` : o.node ? ` [${o.node}]` : ""}${o.user ? ` user=${o.user}` : ""}`,
  fault: (o) => `   fault ${o.text}`,
  note: (o) => `   note ${o.text}`,
};

export function formatTimeline(observations: readonly Observation[], start: number): string {
  return observations.map((o) => `${stamp(o.at - start)} ${(FORMAT[o.kind] as (x: Observation) => string)(o)}`).join("\n");
}

function stamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const minutes = Math.floor(total / 60_000);
  const seconds = ((total % 60_000) / 1000).toFixed(3).padStart(6, "0");
  return `+${String(minutes).padStart(2, "0")}:${seconds}`;
}
