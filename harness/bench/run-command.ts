/** Runs a pullcheck command in a child process (a clean process per measurement) and times it. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../support/repo-root.js";

export interface CommandRun {
  code: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
}

export function runPullcheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  return runCommand(process.execPath, [join(REPO_ROOT, "bin", "pullcheck.mjs"), ...args], { ...env, CI: "true", PULLCHECK_RUN: "" });
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, wallMs: performance.now() - started, stdout, stderr }));
  });
}
