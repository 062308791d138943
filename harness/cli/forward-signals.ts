/**
 * While the tests run, a SIGINT, SIGTERM or SIGHUP the CLI receives goes to its child processes
 * too: the test workers, whose own handlers (support/cleanup.ts) delete kind clusters, remove
 * containers and stop the registry and Toxiproxy. A terminal's Ctrl-C reaches them anyway (one
 * process group), but `kill PID`, a CI runner's cancel or a timeout reach the CLI alone, and
 * without this its workers would be left running on their own. The CLI then waits, blocking, until
 * every process that was below it has exited: vitest's own handler, which runs next, ends the CLI
 * at once. The exit code is 128 + the signal's number, as a shell reports a process it ended. The
 * CLI whose parent exits (a killed `npx`) stops the same way; its workers, whose parent is the CLI,
 * watch theirs too (support/cleanup.ts), for a CLI killed by SIGKILL.
 */
import { constants } from "node:os";
import { descendantsOf, isRunning } from "../support/process-tree.js";
import { watchParent } from "../support/cleanup.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface SignalForwarding {
  /** The exit code of the signal that came, if one came. */
  exitCode(): number | undefined;
  stop(): void;
}

const DESCENDANTS_EXIT_TIMEOUT_MS = 30_000;

/** `release` runs once the processes below have exited (or the wait gave up). */
export function forwardSignalsToChildren(release: () => void): SignalForwarding {
  let received: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    if (!received) {
      received = signal;
      // A worker that dies of the signal can make vitest set exit code 1 on its way out; the
      // run's code stays the signal's (Node exits with process.exitCode as 'exit' leaves it).
      process.on("exit", () => (process.exitCode = 128 + constants.signals[signal]));
    }
    process.exitCode = 128 + constants.signals[received];
    console.error(`pullcheck: ${signal}: stopping the tests (each releases what it started), then exiting`);
    const below = descendantsOf(process.pid);
    for (const { pid, ppid } of below) if (ppid === process.pid) signalled(pid, signal);
    const deadline = Date.now() + DESCENDANTS_EXIT_TIMEOUT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (below.some(({ pid }) => isRunning(pid)) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 100);
    release();
  };
  for (const signal of SIGNALS) process.prependListener(signal, forward);
  // `npx pullcheck` killed alone (even by SIGKILL) leaves this process behind: it stops as on a SIGTERM.
  const stopWatching = watchParent(() => {
    console.error("pullcheck: the process that started this run is gone");
    process.kill(process.pid, "SIGTERM");
  });
  return {
    exitCode: () => (received ? 128 + constants.signals[received] : undefined),
    stop: () => {
      stopWatching();
      for (const signal of SIGNALS) process.off(signal, forward);
    },
  };
}

/** Sends the signal; false when the process is gone. */
function signalled(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
