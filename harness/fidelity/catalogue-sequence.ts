/**
 * A catalogue test's kubelet calls (node/sim/kubelet-call-log.ts) as an oracle sequence: the same
 * EnsureImageExists calls at the same clock times, each pull answered as the test's runtime
 * answered it. A pull that took time is held and released when it ended; one its kubelet never
 * saw answered (a restart came first) stays held. What the oracle's runtime cannot say is named:
 * two pulls of one image in flight at once with different answers, or one call's credentials
 * answered in ways an auth rule cannot express.
 */
import type { KubeletCallLog, LoggedCall, LoggedPull } from "../node/sim/kubelet-call-log.js";
import type { OracleCall, OracleInput, PullRule } from "./oracle-json.js";

export type CatalogueSequence = { input: OracleInput } | { inexpressible: string };

type Ensure = Extract<LoggedCall, { op: "ensureImage" }>;
interface Timed {
  at: number;
  calls: OracleCall[];
}

export function catalogueSequence(log: KubeletCallLog): CatalogueSequence {
  const timed: Timed[] = [];
  const start = log.calls[0]?.at ?? 0;
  const where = (call: Ensure) => `${call.pod.name} at ${((call.at - start) / 1000).toFixed(3)} s`;
  /** Per image: the rule in force, and until when a pull that follows it is in flight. */
  const rules = new Map<string, { rule: string; busyUntil: number }>();
  for (const call of log.calls) {
    if (call.op !== "ensureImage") {
      timed.push({ at: call.at, calls: [oracleCall(call)] });
      continue;
    }
    const rule = pullRule(call);
    if (typeof rule === "string") return { inexpressible: `${where(call)}: ${rule}` };
    const calls: OracleCall[] = [];
    if (rule) {
      const inForce = rules.get(rule.image);
      const text = JSON.stringify({ ...rule, hold: undefined });
      if (inForce && inForce.rule !== text && inForce.busyUntil > call.at)
        return { inexpressible: `${where(call)}: a pull of ${rule.image} is in flight with another answer` };
      const ends = call.pulls.map((p) => p.endedAt ?? Infinity);
      rules.set(rule.image, { rule: text, busyUntil: Math.max(inForce?.busyUntil ?? 0, ...ends) });
      calls.push({ op: "runtime", pulls: [rule] });
      for (const pull of call.pulls)
        if (pull.endedAt !== undefined && pull.endedAt > pull.at) timed.push({ at: pull.endedAt, calls: [{ op: "release", image: pull.image }] });
    }
    const async = call.cutOff !== undefined || call.endedAt === undefined || call.endedAt > call.at;
    calls.push({
      op: "ensureImage",
      pod: { name: call.pod.name, uid: call.pod.uid },
      container: { image: call.image, ...(call.imagePullPolicy ? { imagePullPolicy: call.imagePullPolicy } : {}) },
      ...(call.pullSecrets.length > 0 ? { pullSecrets: call.pullSecrets } : {}),
      ...(async ? { async: true } : {}),
    });
    timed.push({ at: call.at, calls });
  }
  // Stable: what happened at one time keeps the order it was logged in, a release after the call that started its pull.
  timed.sort((a, b) => a.at - b.at);
  const calls: OracleCall[] = [];
  let now = start;
  for (const { at, calls: here } of timed) {
    if (at > now) calls.push({ op: "step", seconds: (at - now) / 1000 });
    now = Math.max(now, at);
    calls.push(...here);
  }
  return {
    input: {
      apiVersion: "pullcheck.oracle/v1",
      ...(Object.keys(log.kubeletConfig).length > 0 ? { kubeletConfig: log.kubeletConfig } : {}),
      ...(log.images.length > 0 ? { images: log.images } : {}),
      calls,
    },
  };
}

function oracleCall(call: Exclude<LoggedCall, Ensure>): OracleCall {
  switch (call.op) {
    case "deletePod":
      return { op: "deletePod", pod: { name: call.pod } };
    case "removeImage":
      return { op: "removeImage", image: call.image };
    case "restartKubelet":
      return { op: "restartKubelet" };
  }
}

/** The rule that answers this call's pulls as they were answered; none without pulls; a reason when no rule can. */
function pullRule(call: Ensure): PullRule | undefined | string {
  const [first] = call.pulls;
  if (!first) return undefined;
  if (call.pulls.some((p) => p.image !== first.image)) return "its pulls name more than one image";
  const held = call.pulls.some((p) => p.endedAt === undefined || p.endedAt > p.at) ? { hold: true } : {};
  const answered = call.pulls.filter((p) => p.endedAt !== undefined);
  const succeeded = answered.filter((p) => p.imageRef !== undefined);
  const failed = answered.filter((p) => p.error !== undefined);
  const errors = new Set(failed.map((p) => p.error));
  if (errors.size > 1) return `its pulls failed in ${errors.size} different ways`;
  const error = failed[0] ? grpcError(failed[0].error!) : undefined;
  if (succeeded.length === 0) return { image: first.image, ...(error ? { error } : {}), ...held };
  const refs = new Set(succeeded.map((p) => p.imageRef));
  if (refs.size > 1) return "its pulls gave more than one image";
  const ref = succeeded[0]!.imageRef!;
  const size = succeeded[0]!.size !== undefined ? { size: succeeded[0]!.size } : {};
  if (!error) return { image: first.image, ref, ...size, ...held };
  if (succeeded.some((p) => !p.auth) || failed.some((p) => succeeded.some((s) => sameAuth(s, p)))) return "the same credentials were answered both ways";
  return { image: first.image, ref, ...size, auth: succeeded.map((p) => p.auth!), authError: error, ...held };
}

/** The runtime's text as the kubelet received it back to a gRPC status (the CRI client strips only code Unknown's prefix). */
function grpcError(text: string): { code: string; message: string } {
  const match = /^rpc error: code = (\w+) desc = ([\s\S]*)$/.exec(text);
  return match ? { code: match[1]!, message: match[2]! } : { code: "Unknown", message: text };
}

function sameAuth(a: LoggedPull, b: LoggedPull): boolean {
  return a.auth?.username === b.auth?.username && a.auth?.password === b.auth?.password;
}
