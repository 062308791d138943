/** Runs the oracle binary `make oracle` built for one Kubernetes release. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runCommandSync } from "../support/command.js";
import { EnvironmentError } from "../support/errors.js";
import type { OracleInput, OracleOutput } from "./oracle-json.js";

/** Where `make oracle` puts the binary of `version` (e.g. "1.35.4"). */
export function oracleBinary(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pullcheck", "oracle", version, "pullcheck-oracle");
}

export function askOracle(binary: string, input: OracleInput): OracleOutput {
  if (!existsSync(binary)) throw new EnvironmentError(`the oracle is not built: ${binary}`, "run `make oracle`");
  const { stdout } = runCommandSync(binary, [], { input: JSON.stringify(input), timeoutMs: 120_000, hint: "see docs/oracle.md for the input format" });
  return JSON.parse(stdout) as OracleOutput;
}
