/**
 * One process-wide list of things to release when the process ends, however it ends (normal exit,
 * SIGINT, SIGTERM, an uncaught error). Handlers must be synchronous: at exit nothing else runs.
 */
const handlers = new Set<() => void>();
let installed = false;

export function onCleanup(handler: () => void): () => void {
  install();
  handlers.add(handler);
  return () => handlers.delete(handler);
}

export function runCleanup(): void {
  for (const handler of [...handlers]) {
    handlers.delete(handler);
    try {
      handler();
    } catch {
      // keep releasing the rest
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once("exit", runCleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      runCleanup();
      process.kill(process.pid, signal);
    });
  }
}
