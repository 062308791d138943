/** The results a run saved (one JSON file per cell, beside the run's manifest), in file-name order. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioRunResult } from "../assert/outcome-result.js";
import { RUN_MANIFEST_FILE } from "../report/run-manifest.js";

export function readResults(dir: string): ScenarioRunResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && name !== RUN_MANIFEST_FILE)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as ScenarioRunResult);
}
