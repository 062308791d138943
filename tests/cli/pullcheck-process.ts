/** The CLI as a child process, the way CI calls it (no terminal, CI set). */
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const EXAMPLE = join(ROOT, "tests", "fixtures", "scenarios", "valid", "format-page-example.yaml");
const BIN = join(ROOT, "bin", "pullcheck.mjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  out: string;
}

const env = (extra: NodeJS.ProcessEnv) => ({ ...process.env, CI: "true", PULLCHECK_RUN: "", ...extra });

export function pullcheck(args: string[], extraEnv: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: env(extraEnv), timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, out: `${result.stdout}${result.stderr}` };
}

/** The same, without blocking: several short commands at once. */
export function pullcheckAsync(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: env(extraEnv), timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr, out: `${stdout}${stderr}` });
    });
  });
}
