/** The published JSON Schemas (schemas/), written by `pullcheck docs` from the definitions. */
import { policySchema } from "../policy/policy-schema.js";
import { scenarioSchema } from "../scenario/scenario-schema.js";

/** Repository path → file text. */
export function schemaFiles(): Record<string, string> {
  return {
    "schemas/scenario.schema.json": `${JSON.stringify(scenarioSchema(), null, 2)}\n`,
    "schemas/policy.schema.json": `${JSON.stringify(policySchema(), null, 2)}\n`,
  };
}
