/**
 * The tables of docs/scenario-format.md that come from the definitions themselves: steps, faults
 * and outcome fields. Each sits between `<!-- generated: NAME -->` and `<!-- end generated -->`.
 */
import { faultTable } from "../scenario/faults/index.js";
import { outcomeTable } from "../scenario/outcomes/index.js";
import { stepTable } from "../scenario/steps/index.js";

const TABLES: Record<string, () => string> = { steps: stepTable, faults: faultTable, outcomes: outcomeTable };

/** The document with every generated table rendered anew; throws when a marker is missing. */
export function refreshScenarioFormatDocs(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(TABLES)) {
    const start = `<!-- generated: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf("<!-- end generated -->", from);
    if (from < 0 || to < 0) throw new Error(`docs/scenario-format.md has no "${start}" … "<!-- end generated -->" block for the ${name} table`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}
