/**
 * Where the simulation and a real kubelet ended differently on the same scenario and policy:
 * another final outcome, or another verdict (one passed, the other failed or broke). Each is
 * matched against the documented differences; what matches none is a finding to explain.
 */
import { cellVerdict, type ScenarioRunResult } from "../assert/outcome-result.js";
import { globMatch } from "../support/glob.js";
import type { KnownDifference } from "./known-differences.js";

export interface BackendDifference {
  scenario: string;
  policy: string;
  /** Per backend: the final outcome and the cell's verdict. */
  sides: Record<string, { outcome: string; verdict: string }>;
  /** The documented difference it is, if any. */
  known: KnownDifference | undefined;
}

export function findDifferences(results: ScenarioRunResult[], known: KnownDifference[], reference = "sim"): BackendDifference[] {
  const cells = new Map<string, ScenarioRunResult[]>();
  for (const result of results) {
    const key = `${result.scenario}\u0000${result.policy}`;
    cells.set(key, [...(cells.get(key) ?? []), result]);
  }
  const differences: BackendDifference[] = [];
  for (const cell of cells.values()) {
    if (cell.length < 2 || !cell.some((r) => r.backend === reference)) continue;
    const sides = Object.fromEntries(cell.map((r) => [r.backend, { outcome: outcomeOf(r), verdict: cellVerdict(r) }]));
    const values = Object.values(sides);
    if (new Set(values.map((s) => s.outcome)).size === 1 && new Set(values.map((s) => s.verdict)).size === 1) continue;
    const { scenario, policy } = cell[0]!;
    differences.push({ scenario, policy, sides, known: known.find((entry) => explains(entry, scenario, policy, values)) });
  }
  return differences.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.policy.localeCompare(b.policy));
}

function explains(entry: KnownDifference, scenario: string, policy: string, sides: { outcome: string; verdict: string }[]): boolean {
  if (entry.scenarios && !entry.scenarios.some((glob) => globMatch(glob, scenario))) return false;
  if (entry.policies && !entry.policies.includes(policy)) return false;
  // One backend passing and the other failing is explained only by an entry that says so.
  if (new Set(sides.map((s) => s.verdict)).size > 1 && !entry.verdictsDiffer) return false;
  return sides.every((side) => entry.outcomes.includes(side.outcome));
}

function outcomeOf(result: ScenarioRunResult): string {
  return result.brokenBy ? "broken" : (result.expects.at(-1)?.actual ?? "—");
}
