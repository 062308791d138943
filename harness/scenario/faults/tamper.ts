import type { FaultKind } from "./fault-kind.js";

export interface TamperFault {
  kind: "tamper";
  on: "blobs";
}

export const tamper: FaultKind<TamperFault> = {
  kind: "tamper",
  form: "mapping",
  shapesTime: false,
  doc: { syntax: "`{tamper: blobs}`", nodeSees: "blob bytes altered (same length), digests no longer verify", madeBy: "pullcheck's HTTP gate" },
  schema: { value: { const: "blobs" } },
  parse: ({ value, path, check }) => (check.oneOf(value, path, ["blobs"] as const, "tamper") ? { kind: "tamper", on: "blobs" } : undefined),
  describe: (fault) => `tamper ${fault.on}`,
  effect: () => ({ by: "gate", tamper: "blobs" }),
};
