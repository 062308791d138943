/**
 * What one kind of fault is: how a scenario writes it (parse and validate), how reports write it
 * back, and what it does to the path between the node and the registry, as data the environment
 * carries out. One file per kind; `index.ts` lists them.
 */
import type { JsonSchema } from "../../support/json-schema.js";
import type { Checker, Path } from "../checker.js";

/** Statuses the HTTP gate can answer with instead of the registry. */
export const HTTP_FAULT_STATUSES = [401, 403, 404, 429, 500, 503] as const;
export type HttpFaultStatus = (typeof HTTP_FAULT_STATUSES)[number];

/** Which requests an HTTP fault hits. */
export type FaultTarget = "manifests" | "blobs" | "all";

/** A Toxiproxy toxic, in Toxiproxy's own terms (type, stream, attributes). */
export interface Toxic {
  type: "latency" | "bandwidth" | "slow_close" | "timeout" | "slicer" | "limit_data" | "reset_peer";
  stream: "upstream" | "downstream";
  attributes: Record<string, number>;
}

/** What the environment does to make the fault. */
export type FaultEffect =
  /** Toxiproxy disables the proxy: its listener closes (connection refused), and so do its connections. */
  | { by: "toxiproxy"; disable: true }
  | { by: "toxiproxy"; toxic: Toxic }
  /** The gate answers with this status on these paths, instead of the registry. */
  | { by: "gate"; status: HttpFaultStatus; on: FaultTarget; retryAfterMs?: number }
  /** The gate alters blob bytes on the way (same length). */
  | { by: "gate"; tamper: "blobs" };

export interface FaultInput {
  /** The value under the fault's key (`2s` of `{latency: 2s}`); undefined for a word such as `down`. */
  value: unknown;
  /** The whole mapping, for faults with more than one field (`{http: 429, on: manifests}`). */
  fields: Record<string, unknown>;
  /** Where the fault is in the file: the key's path for a mapping, the fault's path for a word. */
  path: Path;
  check: Checker;
}

export interface FaultKind<F extends { kind: string }> {
  kind: F["kind"];
  /** `word`: written as its name alone (`fault: down`); `mapping`: as `{kind: value, …}`. */
  form: "word" | "mapping";
  /**
   * The network is slow or silent on purpose under this fault: on the simulation's clock, real
   * time then counts while work is under way (support/virtual-clock.ts, setNetworkShaped).
   */
  shapesTime: boolean;
  /**
   * With shapesTime: whether connections go silent under this fault on purpose (a stall, a
   * timeout, a latency), so that a short silence already counts as a hang. Default true; a
   * bandwidth limit keeps bytes moving, and silence under it is a busy machine, not the fault.
   */
  goesSilent?: boolean;
  /** Fields besides the kind's own key (mapping form). */
  extraFields?: readonly string[];
  /** JSON Schema of the mapping form's values: the kind's own key's, then each extra field's (schemas/scenario.schema.json). */
  schema?: { value: JsonSchema; extra?: Record<string, JsonSchema> };
  /** For the scenario-format table: how it is written, what the node sees, what makes it. */
  doc: { syntax: string; nodeSees: string; madeBy: string };
  /** The fault, or undefined after reporting what is wrong on `check`. */
  parse(input: FaultInput): F | undefined;
  /** The fault in the scenario's own words, for reports. */
  describe(fault: F): string;
  effect(fault: F): FaultEffect;
}
