import { SIZE_PATTERN } from "../../support/json-schema.js";
import { formatSize, parseSize } from "../../support/size.js";
import { describe } from "../checker.js";
import type { FaultKind } from "./fault-kind.js";

export interface BandwidthFault {
  kind: "bandwidth";
  bytesPerSecond: number;
}

export const bandwidth: FaultKind<BandwidthFault> = {
  kind: "bandwidth",
  form: "mapping",
  shapesTime: true,
  goesSilent: false,
  doc: { syntax: "`{bandwidth: 64KiB/s}`", nodeSees: "transfers at that rate", madeBy: "Toxiproxy `bandwidth`" },
  schema: { value: { type: "string", pattern: `^${SIZE_PATTERN}/s$`, description: "a rate such as 64KiB/s" } },
  parse({ value, path, check }) {
    const text = typeof value === "string" ? value : "";
    const bytes = text.endsWith("/s") ? parseSize(text.slice(0, -2)) : undefined;
    if (!bytes) {
      check.problem(path, `bandwidth must be a rate such as 64KiB/s, not ${describe(value)}`, "units: B, KiB, MiB, GiB per second, e.g. 512KiB/s");
      return undefined;
    }
    return { kind: "bandwidth", bytesPerSecond: bytes };
  },
  describe: (fault) => `bandwidth ${formatSize(fault.bytesPerSecond)}/s`,
  // Toxiproxy's rate is in KB/s.
  effect: (fault) => ({
    by: "toxiproxy",
    toxic: { type: "bandwidth", stream: "downstream", attributes: { rate: Math.max(1, Math.round(fault.bytesPerSecond / 1024)) } },
  }),
};
