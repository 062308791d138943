/**
 * While the tests run, a SIGINT, SIGTERM or SIGHUP the CLI receives goes to its child processes
 * too: the test workers, whose own handlers (support/cleanup.ts) delete kind clusters, remove
 * containers and stop the registry and Toxiproxy. A terminal's Ctrl-C reaches them anyway (one
 * process group), but `kill PID`, a CI runner's cancel or a timeout reach the CLI alone, and
 * without this its workers would be left running on their own. The CLI then waits, blocking, until
 * every process that was below it has exited: vitest's own handler, which runs next, ends the CLI
 * at once. The exit code is 128 + the signal's number, as a shell reports a process it ended.
 */
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { commandOutputOrUndefined } from "../support/command.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface SignalForwarding {
  /** The exit code of the signal that came, if one came. */
  exitCode(): number | undefined;
  stop(): void;
}

const DESCENDANTS_EXIT_TIMEOUT_MS = 30_000;

export function forwardSignalsToChildren(): SignalForwarding {
  let received: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    received ??= signal;
    process.exitCode = 128 + constants.signals[signal];
    console.error(`pullcheck: ${signal}: stopping the tests (each releases what it started), then exiting`);
    const below = descendantsOf(process.pid);
    for (const [pid, parent] of below) if (parent === process.pid) signalled(pid, signal);
    const deadline = Date.now() + DESCENDANTS_EXIT_TIMEOUT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (below.some(([pid]) => running(pid)) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 100);
  };
  for (const signal of SIGNALS) process.prependListener(signal, forward);
  return {
    exitCode: () => (received ? 128 + constants.signals[received] : undefined),
    stop: () => {
      for (const signal of SIGNALS) process.off(signal, forward);
    },
  };
}

/** Sends the signal (0: none, only asks whether the process is there); false when it is gone. */
function signalled(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie: the CLI's blocked event loop cannot reap its exited children meanwhile. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return existsSync("/proc/self/stat") ? false : signalled(pid, 0);
  }
}

/** Every process below `root`, children first: [pid, parent pid]. */
function descendantsOf(root: number): Array<[number, number]> {
  const table = commandOutputOrUndefined("ps", ["-eo", "pid=,ppid="]) ?? "";
  const rows = table.split("\n").flatMap((line): Array<[number, number]> => {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    return pid && ppid ? [[pid, ppid]] : [];
  });
  const below = new Set([root]);
  const found: Array<[number, number]> = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (below.has(ppid) && !below.has(pid)) {
        below.add(pid);
        found.push([pid, ppid]);
        grew = true;
      }
    }
  }
  return found;
}
