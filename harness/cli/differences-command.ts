/**
 * `pullcheck differences [--results DIR]`: every cell where the simulation and a real kubelet
 * ended differently in a run, each with its documented explanation; exit 1 when one has none.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { findDifferences } from "../fidelity/backend-differences.js";
import { loadKnownDifferences } from "../fidelity/known-differences.js";
import { defaultRunConfig } from "../run/run-config.js";
import { InputError, errorMessage } from "../support/errors.js";
import { readResults } from "../run/read-results.js";

export function differencesCommand(args: string[]): number {
  let values;
  try {
    values = parseArgs({ args, options: { results: { type: "string" } } }).values;
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: "pullcheck differences [--results DIR] (default reports/results)" }]);
  }
  const dir = values.results ? resolve(values.results) : defaultRunConfig().resultsDir;
  const results = readResults(dir);
  const backends = new Set(results.map((r) => r.backend));
  if (!backends.has("sim") || backends.size < 2)
    throw new InputError([
      { path: "--results", message: `${dir} has results of ${[...backends].join(", ") || "no backend"}`, hint: "run with --backend sim --backend kind first" },
    ]);
  const differences = findDifferences(results, loadKnownDifferences());
  const unexplained = differences.filter((d) => !d.known);
  for (const d of differences) {
    const sides = Object.entries(d.sides)
      .map(([backend, side]) => `${backend}: ${side.outcome} (${side.verdict})`)
      .join("; ");
    console.log(`${d.known ? "≠ documented" : "≠ NOT DOCUMENTED"}  ${d.scenario} [${d.policy}]  ${sides}${d.known ? `  → ${d.known.id}` : ""}`);
  }
  const cells = new Set(results.map((r) => `${r.scenario} [${r.policy}]`)).size;
  console.log(`${differences.length} of ${cells} cells differ between ${[...backends].sort().join(" and ")}; ${unexplained.length} not documented`);
  if (unexplained.length > 0)
    console.log("explain each in kind-config/known-differences.yaml (with the kubelet or containerd source line), or fix the simulation");
  return unexplained.length > 0 ? 1 : 0;
}
