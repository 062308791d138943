/** The tables of docs/scenario-format.md that come from the definitions themselves: steps, faults and outcome fields. */
import { faultTable } from "../scenario/faults/index.js";
import { outcomeTable } from "../scenario/outcomes/index.js";
import { stepTable } from "../scenario/steps/index.js";
import { refreshGeneratedBlocks } from "../support/generated-blocks.js";

/** The document with every generated table rendered anew; throws when a marker is missing. */
export function refreshScenarioFormatDocs(text: string): string {
  return refreshGeneratedBlocks(text, { steps: stepTable, faults: faultTable, outcomes: outcomeTable }, "docs/scenario-format.md");
}
