import type { ExpectResult } from "./outcome-result.js";

/** The expected / actual / why block of one expect step that did not hold. */
export function describeUnmetExpectation(e: ExpectResult): string {
  return [
    `step ${e.stepIndex + 1} expect pod/${e.pod}`,
    `  expected: ${e.expected}`,
    `  actual:   ${e.actual}${e.finalState?.message ? ` (${e.finalState.message})` : ""}`,
    `  why:      ${e.reasons.join("; ")}`,
  ].join("\n");
}
