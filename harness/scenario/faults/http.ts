import { duration } from "../../support/json-schema.js";
import { formatDuration } from "../../support/duration.js";
import { describe } from "../checker.js";
import { HTTP_FAULT_STATUSES, type FaultKind, type FaultTarget, type HttpFaultStatus } from "./fault-kind.js";

export interface HttpFault {
  kind: "http";
  status: HttpFaultStatus;
  on: FaultTarget;
  retryAfterMs?: number;
}

export const http: FaultKind<HttpFault> = {
  kind: "http",
  form: "mapping",
  shapesTime: false,
  extraFields: ["on", "retryAfter"],
  doc: {
    syntax: "`{http: 429, on: manifests\\|blobs\\|all, retryAfter: 30s}`",
    nodeSees: `that status (${HTTP_FAULT_STATUSES.slice(0, -1).join(", ")} or ${HTTP_FAULT_STATUSES.at(-1)}) on those paths; \`on\` defaults to \`all\``,
    madeBy: "pullcheck's HTTP gate",
  },
  schema: {
    value: { enum: [...HTTP_FAULT_STATUSES] },
    extra: { on: { enum: ["manifests", "blobs", "all"] satisfies FaultTarget[] }, retryAfter: duration("the Retry-After the gate sends") },
  },
  parse({ value, fields, path, check }) {
    const at = path.slice(0, -1);
    if (!(HTTP_FAULT_STATUSES as readonly unknown[]).includes(value)) {
      check.problem(
        path,
        `http status must be one of ${HTTP_FAULT_STATUSES.join(", ")}, not ${describe(value)}`,
        "other statuses are not injected by the gate",
      );
      return undefined;
    }
    const on = fields.on === undefined ? "all" : check.oneOf(fields.on, [...at, "on"], ["manifests", "blobs", "all"] as const, "on");
    const retryAfterMs = fields.retryAfter === undefined ? undefined : check.duration(fields.retryAfter, [...at, "retryAfter"], "retryAfter");
    if (!on || (fields.retryAfter !== undefined && retryAfterMs === undefined)) return undefined;
    return { kind: "http", status: value as HttpFaultStatus, on, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  },
  describe: (fault) => `http ${fault.status} on ${fault.on}${fault.retryAfterMs !== undefined ? ` (retryAfter ${formatDuration(fault.retryAfterMs)})` : ""}`,
  effect: (fault) => ({ by: "gate", status: fault.status, on: fault.on, ...(fault.retryAfterMs !== undefined ? { retryAfterMs: fault.retryAfterMs } : {}) }),
};
