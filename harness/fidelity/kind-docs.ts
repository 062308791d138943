/** The generated parts of docs/kind.md: the documented differences between the simulation and kind (kind-config/known-differences.yaml). */
import { refreshGeneratedBlocks } from "../support/generated-blocks.js";
import { loadKnownDifferences, type KnownDifference } from "./known-differences.js";

export function refreshKindDocs(text: string): string {
  return refreshGeneratedBlocks(text, { "known-differences": () => knownDifferencesTable(loadKnownDifferences()) }, "docs/kind.md");
}

export function knownDifferencesTable(known: KnownDifference[]): string {
  const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
  const rows = known.map((entry) =>
    [
      `\`${entry.id}\``,
      `${entry.scenarios?.map((s) => `\`${s}\``).join(", ") ?? "any scenario"}; ${entry.policies?.join(", ") ?? "any policy"}`,
      entry.outcomes.join(" / ") + (entry.verdictsDiffer ? " (verdicts differ)" : ""),
      cell(entry.why),
      cell(entry.source),
      entry.kubelet.join(", "),
    ].join(" | "),
  );
  return ["| id | where | outcomes | why | source | seen with |", "|---|---|---|---|---|---|", ...rows.map((r) => `| ${r} |`)].join("\n");
}
