import { size } from "../../support/json-schema.js";
import { formatSize, parseSize } from "../../support/size.js";
import { describe } from "../checker.js";
import type { FaultKind } from "./fault-kind.js";

export interface CutFault {
  kind: "cut";
  /** The connection is closed after this many bytes from the registry. */
  bytes: number;
}

export const cut: FaultKind<CutFault> = {
  kind: "cut",
  form: "mapping",
  shapesTime: false,
  doc: { syntax: "`{cut: 1MiB}`", nodeSees: "connection closed after that many bytes from the registry", madeBy: "Toxiproxy `limit_data`" },
  schema: { value: { oneOf: [size("bytes from the registry before the connection closes"), { type: "integer", minimum: 1 }] } },
  parse({ value, path, check }) {
    const bytes = typeof value === "string" ? parseSize(value) : typeof value === "number" ? value : undefined;
    if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1) {
      check.problem(path, `cut must be a size such as 1MiB, of at least 1 byte, not ${describe(value)}`, "a whole number of bytes, or units: B, KiB, MiB, GiB");
      return undefined;
    }
    return { kind: "cut", bytes };
  },
  describe: (fault) => `cut ${formatSize(fault.bytes)}`,
  effect: (fault) => ({ by: "toxiproxy", toxic: { type: "limit_data", stream: "downstream", attributes: { bytes: fault.bytes } } }),
};
