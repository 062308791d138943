/**
 * What `make fidelity` leaves behind: one JSON file per kubelet release (how many generated
 * sequences, the seed, how long, and the first difference if there was one) and summary.md, a
 * table of all releases whose file is there.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FidelityResult {
  release: string;
  sequences: number;
  seed: number;
  seconds: number;
  /** The shrunk counterexample and its first difference; undefined when every sequence agreed. */
  difference?: string;
}

export function writeFidelityResult(dir: string, result: FidelityResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.release}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const results = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as FidelityResult);
  const rows = results.map((r) => `| ${r.release} | ${r.sequences} | ${r.seed} | ${r.seconds.toFixed(0)} | ${r.difference ? "1 (see below)" : "0"} |`);
  const details = results.filter((r) => r.difference).map((r) => `## ${r.release}\n\n\`\`\`\n${r.difference}\n\`\`\`\n`);
  const table = ["| kubelet | generated sequences | seed | seconds | sequences that differ |", "|---|---|---|---|---|", ...rows];
  writeFileSync(join(dir, "summary.md"), ["# The simulation against the kubelet's own code", "", ...table, "", ...details].join("\n"));
}
