import type { ContainerState } from "../observe/observation.js";
import type { InvariantResult } from "./invariants/index.js";

/** How one `expect` step went for one policy. */
export interface ExpectResult {
  stepIndex: number;
  pod: string;
  /** The outcome as the scenario wrote it for this policy, or undefined when it gave none. */
  expected: string | undefined;
  /** What the container showed at the end of the window, in the same words. */
  actual: string;
  verdict: "passed" | "failed" | "unspecified";
  /** Why it failed: which part of the outcome did not hold. */
  reasons: string[];
  finalState: ContainerState | undefined;
}

export interface ScenarioRunResult {
  scenario: string;
  group: string;
  policy: string;
  backend: string;
  expects: ExpectResult[];
  invariants: InvariantResult[];
  /** Set when the run could not be carried out (infrastructure), not when an outcome differed. */
  brokenBy?: string;
  realDurationMs: number;
  virtualDurationMs: number;
  /** Where the real time went (for benchmarks): the reset, the registry setup, the steps. */
  timing?: RunTiming;
}

export interface RunTiming {
  resetMs: number;
  /** Pushing the scenario's images and creating the node. */
  setupMs: number;
  stepsMs: number;
  /** Summed duration of the registry requests the node made (they may overlap). */
  registryRequestsMs: number;
  /** Body bytes the registry served the node. */
  registryBytes: number;
}

export type CellVerdict = "passed" | "failed" | "unspecified" | "broken";

/** The one verdict of a scenario × policy cell: failed beats unspecified beats passed. */
export function cellVerdict(result: ScenarioRunResult): CellVerdict {
  if (result.brokenBy) return "broken";
  if (result.invariants.some((i) => i.verdict === "violated")) return "failed";
  if (result.expects.some((e) => e.verdict === "failed")) return "failed";
  if (result.expects.some((e) => e.verdict === "unspecified")) return "unspecified";
  return "passed";
}
