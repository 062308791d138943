/**
 * Whether an oracle sequence made from a test's kubelet calls (catalogue-sequence.ts) stands for
 * that test: the simulation, asked the sequence, records the test's events, pod by pod and in
 * order. Pull durations are left out (a replayed pull takes the time its release gives it).
 */
import type { KubeletCallLog } from "../node/sim/kubelet-call-log.js";
import type { OracleOutput } from "./oracle-json.js";

export function replayDifference(log: KubeletCallLog, replay: OracleOutput): string | undefined {
  const ran = byPod(log.events);
  const replayed = byPod(replay.results.flatMap((r) => r.events));
  for (const pod of new Set([...ran.keys(), ...replayed.keys()])) {
    const [want, got] = [ran.get(pod) ?? [], replayed.get(pod) ?? []];
    const at = want.findIndex((event, i) => event !== got[i]);
    if (at >= 0 || got.length > want.length) {
      const i = at >= 0 ? at : want.length;
      return `pod ${pod}, event ${i + 1}: the test had ${want[i] ?? "no more"}, the replay ${got[i] ?? "no more"}`;
    }
  }
  return undefined;
}

function byPod(events: Array<{ pod: string; type: string; reason: string; message: string; dropped?: boolean }>): Map<string, string[]> {
  const timed = / in \S+ \(\S+ including waiting\)/;
  const pods = new Map<string, string[]>();
  for (const e of events) {
    const message = timed.test(e.message) ? e.message.replace(timed, " in <duration>").replace(/^\(combined from similar events\): /, "") : e.message;
    pods.set(e.pod, [...(pods.get(e.pod) ?? []), `${e.type} ${e.reason}${e.dropped ? " (dropped)" : ""}: ${message}`]);
  }
  return pods;
}
