/** Fault syntax of SCENARIO-FORMAT.md ("Faults") → FaultSpec. */
import { HTTP_FAULT_STATUSES, type FaultSpec, type HttpFaultStatus } from "../faults/fault-spec.js";
import { parseSize } from "../support/size.js";
import { describe, didYouMean, type Checker, type Path } from "./checker.js";

const WORDS = ["down", "timeout", "reset"] as const;
const KINDS = ["latency", "bandwidth", "cut", "http", "tamper"] as const;
const HINT =
  "faults: down, timeout, reset, {latency: 2s}, {bandwidth: 64KiB/s}, {cut: 1MiB}, {http: 429, on: manifests|blobs|all, retryAfter: 30s}, {tamper: blobs}";

export function parseFault(value: unknown, path: Path, check: Checker): FaultSpec | undefined {
  if (typeof value === "string") {
    if ((WORDS as readonly string[]).includes(value)) return { kind: value as (typeof WORDS)[number] };
    check.problem(path, `unknown fault "${value}"`, didYouMean(value, [...WORDS, ...KINDS]) ?? HINT);
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.problem(path, `a fault must be a word or a mapping, not ${describe(value)}`, HINT);
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const kind = KINDS.find((k) => k in record);
  if (!kind) {
    const first = Object.keys(record)[0] ?? "";
    check.problem(path, `unknown fault ${JSON.stringify(Object.keys(record))}`, didYouMean(first, KINDS) ?? HINT);
    return undefined;
  }
  const fields = kind === "http" ? ["http", "on", "retryAfter"] : [kind];
  if (!check.mapping(record, path, fields, `fault ${kind}`)) return undefined;
  switch (kind) {
    case "latency": {
      const ms = check.duration(record.latency, [...path, "latency"], "latency");
      return ms === undefined ? undefined : { kind, latencyMs: ms };
    }
    case "bandwidth": {
      const text = typeof record.bandwidth === "string" ? record.bandwidth : "";
      const bytes = text.endsWith("/s") ? parseSize(text.slice(0, -2)) : undefined;
      if (!bytes) {
        check.problem(
          [...path, "bandwidth"],
          `bandwidth must be a rate such as 64KiB/s, not ${describe(record.bandwidth)}`,
          "units: B, KiB, MiB, GiB per second, e.g. 512KiB/s",
        );
        return undefined;
      }
      return { kind, bytesPerSecond: bytes };
    }
    case "cut": {
      const bytes = typeof record.cut === "string" ? parseSize(record.cut) : typeof record.cut === "number" ? record.cut : undefined;
      if (!bytes) {
        check.problem([...path, "cut"], `cut must be a size such as 1MiB, not ${describe(record.cut)}`, "units: B, KiB, MiB, GiB");
        return undefined;
      }
      return { kind, bytes };
    }
    case "http": {
      const status = record.http;
      if (!HTTP_FAULT_STATUSES.includes(status as HttpFaultStatus)) {
        check.problem(
          [...path, "http"],
          `http status must be one of ${HTTP_FAULT_STATUSES.join(", ")}, not ${describe(status)}`,
          "other statuses are not injected by the gate",
        );
        return undefined;
      }
      const on = record.on === undefined ? "all" : check.oneOf(record.on, [...path, "on"], ["manifests", "blobs", "all"] as const, "on");
      const retryAfterMs = record.retryAfter === undefined ? undefined : check.duration(record.retryAfter, [...path, "retryAfter"], "retryAfter");
      if (!on || (record.retryAfter !== undefined && retryAfterMs === undefined)) return undefined;
      return { kind, status: status as HttpFaultStatus, on, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    case "tamper":
      return check.oneOf(record.tamper, [...path, "tamper"], ["blobs"] as const, "tamper") ? { kind, on: "blobs" } : undefined;
  }
}
