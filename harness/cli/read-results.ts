/** The results a run saved (one JSON file per cell), in file-name order. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioRunResult } from "../assert/outcome-result.js";

export function readResults(dir: string): ScenarioRunResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as ScenarioRunResult);
}
