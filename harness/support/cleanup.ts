/**
 * One process-wide list of things to release when the process ends, however it ends (normal exit,
 * SIGINT, SIGTERM, SIGHUP, an uncaught error, or its parent going away). Handlers must be
 * synchronous: at exit nothing else runs. Each says what it releases, and a run ended by a
 * signal or by its parent prints one line naming them.
 */
import { writeSync } from "node:fs";

const handlers = new Map<() => void, string>();
let installed = false;

/** `what` names the thing in the line printed when a signal ends the process, e.g. "registry (pid 123)". */
export function onCleanup(what: string, handler: () => void): () => void {
  install();
  handlers.set(handler, what);
  return () => handlers.delete(handler);
}

/**
 * Releases everything still registered, the latest first: what started later may be using what
 * started before it (a registry writes into its environment's folder, so the folder goes after
 * the registry). A handler that fails is tried once more after the others. Returns what it released.
 */
export function runCleanup(): string[] {
  const released: string[] = [];
  const failed: Array<[() => void, string]> = [];
  for (const [handler, what] of [...handlers].reverse()) {
    handlers.delete(handler);
    try {
      handler();
      released.push(what);
    } catch {
      failed.push([handler, what]); // keep releasing the rest, then try again
    }
  }
  for (const [handler, what] of failed) {
    try {
      handler();
      released.push(what);
    } catch {
      // nothing more to do at exit
    }
  }
  return released;
}

/** How often a process checks that its parent is still there. */
const PARENT_CHECK_MS = 500;

function install(): void {
  if (installed) return;
  installed = true;
  process.once("exit", runCleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      report(signal, runCleanup());
      process.kill(process.pid, signal);
    });
  }
  watchParent(() => {
    report("the process that started this one is gone", runCleanup());
    process.kill(process.pid, "SIGTERM");
  });
}

/** Straight to file descriptor 2: a test worker's console goes through its parent, which may be the one that is gone. */
function report(cause: string, released: string[]): void {
  if (released.length === 0) return;
  try {
    writeSync(2, `pullcheck: ${cause}: released ${released.join(", ")}\n`);
  } catch {
    // nobody is reading any more
  }
}

/**
 * Calls `gone` once this process's parent has exited (it was re-parented). A SIGKILL to the CLI
 * (or to `npx` above it) reaches no handler; without this the test workers below would go on
 * alone, holding registries, clusters and ports until the whole catalogue had run.
 */
export function watchParent(gone: () => void): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
