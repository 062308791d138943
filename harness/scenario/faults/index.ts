/**
 * Every fault kind a scenario can inject, in the order docs list them. A new kind is one file
 * (see fault-kind.ts) and one line here.
 */
import { describe, didYouMean, type Checker, type Path } from "../checker.js";
import { echoValue } from "../../support/errors.js";
import type { FaultEffect, FaultKind } from "./fault-kind.js";
import type { JsonSchema } from "../../support/json-schema.js";
import { bandwidth } from "./bandwidth.js";
import { cut } from "./cut.js";
import { down } from "./down.js";
import { http } from "./http.js";
import { latency } from "./latency.js";
import { reset } from "./reset.js";
import { stall } from "./stall.js";
import { tamper } from "./tamper.js";
import { timeout } from "./timeout.js";

export const FAULT_KINDS = [down, timeout, reset, stall, latency, bandwidth, cut, http, tamper] as const;

type FaultOf<K> = K extends FaultKind<infer F> ? F : never;
export type FaultSpec = FaultOf<(typeof FAULT_KINDS)[number]>;

const WORDS = FAULT_KINDS.filter((k) => k.form === "word").map((k) => k.kind);
const KEYS = FAULT_KINDS.filter((k) => k.form === "mapping").map((k) => k.kind);
const HINT = `faults: ${FAULT_KINDS.map((k) => k.doc.syntax.replace(/`/g, "").replace(/\\\|/g, "|")).join(", ")}`;

function kindOf<F extends FaultSpec>(fault: F): FaultKind<F> {
  return FAULT_KINDS.find((k) => k.kind === fault.kind) as unknown as FaultKind<F>;
}

export function describeFault(fault: FaultSpec): string {
  return kindOf(fault).describe(fault);
}

export function faultShapesTime(fault: FaultSpec): boolean {
  return kindOf(fault).shapesTime;
}

export function faultGoesSilent(fault: FaultSpec): boolean {
  const kind = kindOf(fault);
  return kind.shapesTime && (kind.goesSilent ?? true);
}

export function faultEffect(fault: FaultSpec): FaultEffect {
  return kindOf(fault).effect(fault);
}

/** A `fault:` step's value: a word (`down`) or a mapping keyed by the kind (`{latency: 2s}`). */
export function parseFault(value: unknown, path: Path, check: Checker): FaultSpec | undefined {
  if (typeof value === "string") {
    const word = FAULT_KINDS.find((k) => k.form === "word" && k.kind === value);
    if (word) return word.parse({ value: undefined, fields: {}, path, check });
    check.problem(path, `unknown fault "${value}"`, didYouMean(value, [...WORDS, ...KEYS]) ?? HINT);
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.problem(path, `a fault must be a word or a mapping, not ${describe(value)}`, HINT);
    return undefined;
  }
  const fields = value as Record<string, unknown>;
  const kind = FAULT_KINDS.find((k) => k.form === "mapping" && k.kind in fields);
  if (!kind) {
    const first = Object.keys(fields)[0] ?? "";
    check.problem(path, `unknown fault ${echoValue(Object.keys(fields))}`, didYouMean(first, KEYS) ?? HINT);
    return undefined;
  }
  if (!check.mapping(fields, path, [kind.kind, ...(kind.extraFields ?? [])], `fault ${kind.kind}`)) return undefined;
  return kind.parse({ value: fields[kind.kind], fields, path: [...path, kind.kind], check });
}

/** The scenario-format table of faults. */
export function faultTable(): string {
  const rows = FAULT_KINDS.map((k) => `| ${k.doc.syntax} | ${k.doc.nodeSees} | ${k.doc.madeBy} |`);
  return ["| fault | what the node sees | made by |", "|---|---|---|", ...rows].join("\n");
}

export type { FaultEffect, FaultTarget, HttpFaultStatus, Toxic } from "./fault-kind.js";
export { HTTP_FAULT_STATUSES } from "./fault-kind.js";

/** A `fault:` value: one of the words, or a mapping keyed by one kind with that kind's extra fields. */
export const FAULT_SCHEMA: JsonSchema = {
  oneOf: [
    { enum: WORDS },
    ...FAULT_KINDS.filter((k) => k.form === "mapping").map((k) => ({
      type: "object",
      properties: { [k.kind]: k.schema!.value, ...k.schema!.extra },
      required: [k.kind],
      additionalProperties: false,
    })),
  ],
};
