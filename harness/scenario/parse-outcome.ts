/** Outcome syntax of SCENARIO-FORMAT.md ("Outcomes"). */
import { type Checker, type Path } from "./checker.js";
import type { Outcome } from "./types.js";

export const OUTCOME_FIELDS = ["running", "waiting", "message", "events", "noEvents", "requests", "within", "stays"] as const;
const REQUEST_KINDS = ["manifestHead", "manifestGet", "blobGet"] as const;

export function parseOutcome(value: unknown, path: Path, check: Checker, knownVariants: string[]): Outcome | undefined {
  const record = check.mapping(value, path, OUTCOME_FIELDS, "an outcome");
  if (!record) return undefined;
  const before = check.problems.length;
  const outcome: Outcome = {};
  if (record.running !== undefined) {
    const variant = check.string(record.running, [...path, "running"], "running");
    if (variant && !knownVariants.includes(variant))
      check.problem([...path, "running"], `unknown fixture variant "${variant}"`, `variants: ${knownVariants.join(", ")}`);
    else if (variant) outcome.running = variant;
  }
  if (record.waiting !== undefined) {
    const reason = check.string(record.waiting, [...path, "waiting"], "waiting");
    if (reason) outcome.waiting = reason;
  }
  if (record.running !== undefined && record.waiting !== undefined) check.problem(path, "an outcome cannot be both running and waiting", "keep one of them");
  if (record.message !== undefined) {
    const message = check.string(record.message, [...path, "message"], "message");
    if (message) outcome.message = message;
  }
  for (const key of ["events", "noEvents"] as const) {
    if (record[key] === undefined) continue;
    const list = check.stringList(record[key], [...path, key], key);
    if (list) outcome[key] = list;
  }
  if (record.requests !== undefined) {
    const requests = check.mapping(record.requests, [...path, "requests"], REQUEST_KINDS, "requests");
    if (requests) {
      outcome.requests = {};
      for (const kind of REQUEST_KINDS) {
        if (requests[kind] === undefined) continue;
        const n = check.wholeNumber(requests[kind], [...path, "requests", kind], kind, 0);
        if (n !== undefined) outcome.requests[kind] = n;
      }
    }
  }
  if (record.within !== undefined) {
    const ms = check.duration(record.within, [...path, "within"], "within");
    if (ms !== undefined) outcome.withinMs = ms;
  }
  if (record.stays !== undefined) {
    const ms = check.duration(record.stays, [...path, "stays"], "stays");
    if (ms !== undefined) outcome.staysMs = ms;
  }
  const judged = ["running", "waiting", "message", "events", "noEvents", "requests"].some((k) => record[k] !== undefined);
  if (!judged) check.problem(path, "an outcome must say something to check", "give at least one of running, waiting, message, events, noEvents, requests");
  return check.problems.length === before ? outcome : undefined;
}
