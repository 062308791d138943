/** Runs the oracle binary `make oracle` built for one Kubernetes release. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { EnvironmentError } from "../support/errors.js";
import type { OracleInput, OracleOutput } from "./oracle-json.js";

/** Where `make oracle` puts the binary of `version` (e.g. "1.35.4"). */
export function oracleBinary(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pullcheck", "oracle", version, "pullcheck-oracle");
}

export function askOracle(binary: string, input: OracleInput): OracleOutput {
  if (!existsSync(binary)) throw new EnvironmentError(`the oracle is not built: ${binary}`, "run `make oracle`");
  const run = spawnSync(binary, [], { input: JSON.stringify(input), encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    throw new EnvironmentError(
      `${binary} exited with ${run.status ?? run.signal}: ${(run.stderr || run.stdout).trim().slice(0, 2000)}`,
      "see docs/oracle.md for the input format",
    );
  }
  return JSON.parse(run.stdout) as OracleOutput;
}
