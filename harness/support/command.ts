/**
 * The one way pullcheck runs an external command to completion (docker, kind, crictl in a node,
 * the oracle, Allure, git, go): zx underneath (node's spawnSync for the blocking form), and one error when it fails, CommandError, that
 * carries the command, its exit code (or the signal that ended it) and its output. Long-running
 * services the harness manages (registry, Toxiproxy) are managed-process.ts's.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type { $ as ZxShell } from "zx/core";
import { EnvironmentError } from "./errors.js";

export interface CommandOptions {
  /** Written to the command's standard input. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ends the command after this long (SIGTERM; runCommandSync: SIGKILL). */
  timeoutMs?: number;
  /** How to fix a failure, for the error's hint. */
  hint?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero, was killed, or could not start. */
export class CommandError extends EnvironmentError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stdout: string,
    readonly stderr: string,
    hint?: string,
  ) {
    const ended = exitCode !== null ? `exited with ${exitCode}` : `was ended by ${signal ?? "a signal"}`;
    const output = (stderr.trim() || stdout.trim()).split("\n").slice(-20).join("\n");
    super(`\`${command}\` ${ended}${output ? `:\n${output}` : ""}`, hint);
    this.name = "CommandError";
  }
}

/** Runs the command and returns its output; throws CommandError unless it exits 0. */
export async function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const output = await shell(options)`${command} ${args}`;
  return checked(command, args, output, options.hint);
}

/**
 * The same, blocking: for exit handlers, the few checks made before anything starts, and the
 * oracle. Node's spawnSync, not zx's sync mode, which runs a shell and ignores the timeout: a
 * command past its time is killed (SIGKILL: it cannot hold the caller by ignoring SIGTERM).
 */
export function runCommandSync(command: string, args: readonly string[], options: CommandOptions = {}): CommandResult {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: "SIGKILL" as const } : {}),
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  const failedToStart = result.error && !timedOut ? `${command}: command not found or not runnable (${result.error.message})` : "";
  const stderr = `${result.stderr ?? ""}${failedToStart}`;
  const signal = timedOut ? `SIGKILL after its ${options.timeoutMs} ms timeout` : result.signal;
  const output: ZxOutput = { stdout: result.stdout ?? "", stderr, exitCode: failedToStart ? 127 : result.status, signal };
  return checked(command, args, output, options.hint);
}

/** The command's trimmed stdout, or undefined when it fails (for optional facts: a label, a version). */
export function commandOutputOrUndefined(command: string, args: readonly string[], options: CommandOptions = {}): string | undefined {
  try {
    return runCommandSync(command, args, options).stdout.trim();
  } catch {
    return undefined;
  }
}

interface ZxOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

function checked(command: string, args: readonly string[], output: ZxOutput, hint: string | undefined): CommandResult {
  if (output.exitCode === 0) return { stdout: output.stdout, stderr: output.stderr };
  throw new CommandError([command, ...args].join(" "), output.exitCode, output.signal, output.stdout, output.stderr, hint);
}

// zx takes half a second to load: it is required on first use, so `--help`, `list` and `validate` never pay for it.
let zx: typeof ZxShell | undefined;

function shell(options: CommandOptions): typeof ZxShell {
  zx ??= (createRequire(import.meta.url)("zx/core") as { $: typeof ZxShell }).$;
  return zx({
    nothrow: true,
    quiet: true,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
}
