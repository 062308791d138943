/**
 * Child processes that cannot outlive the run: each is registered for cleanup on exit, SIGINT,
 * SIGTERM and uncaught errors, keeps its last output lines for error messages, and stops with
 * SIGTERM then SIGKILL. A SIGKILL of the process itself cannot be caught: its children then
 * keep running, and `make clean` stops every process started from `.tools/bin`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EnvironmentError } from "./errors.js";
import { onCleanup } from "./cleanup.js";

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export function startProcess(name: string, command: string, args: string[], options: { cwd?: string } = {}): ManagedProcess {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitedFlag = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exitedFlag = true), resolve())));
  child.once("error", (error) => lines.push(`spawn error: ${error.message}`));
  const unregister = onCleanup(`${name} (pid ${child.pid ?? "?"})`, () => {
    if (!exitedFlag) child.kill("SIGKILL");
  });
  return {
    name,
    pid: child.pid ?? -1,
    output: () => lines.join("\n"),
    exited: () => exitedFlag,
    async stop() {
      unregister();
      if (exitedFlag) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls an HTTP URL until it answers with one of the statuses, the process dies, or the deadline passes. */
export async function waitForHttp(process: ManagedProcess, url: string, okStatuses: number[], deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (process.exited()) {
      throw new EnvironmentError(
        `${process.name} exited during start-up. Its last output:\n${process.output()}`,
        "check the output above; `make setup` reinstalls the tools",
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (okStatuses.includes(response.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new EnvironmentError(`${process.name} did not become ready at ${url} within ${deadlineMs} ms. Its last output:\n${process.output()}`);
}
