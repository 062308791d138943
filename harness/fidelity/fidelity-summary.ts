/**
 * What `make fidelity` leaves behind: one JSON file per kubelet release and source of sequences
 * (generated: how many, the seed, how long, the first difference if there was one; catalogue:
 * how many tests agreed, differed, or could not be expressed) and summary.md, a table of each.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface GeneratedResult {
  source: "generated";
  release: string;
  sequences: number;
  seed: number;
  seconds: number;
  /** The shrunk counterexample and its first difference; undefined when every sequence agreed. */
  difference?: string;
}

export interface CatalogueResult {
  source: "catalogue";
  release: string;
  tests: number;
  agreed: number;
  /** Each test that differed (or whose sequence did not replay it), with the evidence. */
  differences: string[];
  /** Each test the oracle's runtime cannot express, and why. */
  inexpressible: string[];
  seconds: number;
}

export type FidelityResult = GeneratedResult | CatalogueResult;

export function writeFidelityResult(dir: string, result: FidelityResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.source}-${result.release}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const results = readdirSync(dir)
    .filter((name) => /^(generated|catalogue)-.*\.json$/.test(name))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as FidelityResult);
  const generated = results.filter((r): r is GeneratedResult => r.source === "generated");
  const catalogue = results.filter((r): r is CatalogueResult => r.source === "catalogue");
  const lines = [
    "# The simulation against the kubelet's own code",
    "",
    "## Generated sequences",
    "",
    "| kubelet | generated sequences | seed | seconds | sequences that differ |",
    "|---|---|---|---|---|",
    ...generated.map((r) => `| ${r.release} | ${r.sequences} | ${r.seed} | ${r.seconds.toFixed(0)} | ${r.difference ? "1 (see below)" : "0"} |`),
    "",
    "## The catalogue's kubelet calls (upstream policies, as each release's simulation made them)",
    "",
    "| kubelet | tests | agree | differ | not expressible | seconds |",
    "|---|---|---|---|---|---|",
    ...catalogue.map((r) => `| ${r.release} | ${r.tests} | ${r.agreed} | ${r.differences.length} | ${r.inexpressible.length} | ${r.seconds.toFixed(0)} |`),
    "",
    ...generated.filter((r) => r.difference).map((r) => `### ${r.release}, generated\n\n\`\`\`\n${r.difference}\n\`\`\`\n`),
    ...catalogue
      .filter((r) => r.differences.length + r.inexpressible.length > 0)
      .map(
        (r) =>
          `### ${r.release}, catalogue\n\n\`\`\`\n${[...r.differences, ...r.inexpressible.map((line) => `not expressible: ${line}`)].join("\n\n")}\n\`\`\`\n`,
      ),
  ];
  writeFileSync(join(dir, "summary.md"), lines.join("\n"));
}
