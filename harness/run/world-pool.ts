/**
 * Worlds for tests that run at once. Each world is a whole environment (registry, Toxiproxy,
 * gate) that one test at a time resets and uses; worlds start on demand, up to `size`, and are
 * closed together after the run.
 */
import type { StartedRunWorld } from "./run-world.js";

export interface WorldPool {
  /** Runs `use` with a world no other test holds meanwhile. */
  withWorld<T>(use: (world: StartedRunWorld) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createWorldPool(size: number, startWorld: () => Promise<StartedRunWorld>): WorldPool {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`world pool size must be a positive integer, got ${size}`);
  const all: Promise<StartedRunWorld>[] = [];
  const idle: StartedRunWorld[] = [];
  const waiting: ((world: StartedRunWorld) => void)[] = [];

  async function acquire(): Promise<StartedRunWorld> {
    const world = idle.pop();
    if (world) return world;
    if (all.length < size) {
      const starting = startWorld();
      all.push(starting);
      // A world that failed to start gives its slot back: the next test tries again (and fails
      // with the same evidence) instead of waiting for a world that never comes.
      starting.catch(() => all.splice(all.indexOf(starting), 1));
      return await starting;
    }
    return await new Promise((resolve) => waiting.push(resolve));
  }

  function release(world: StartedRunWorld): void {
    const next = waiting.shift();
    if (next) next(world);
    else idle.push(world);
  }

  return {
    async withWorld(use) {
      const world = await acquire();
      try {
        return await use(world);
      } finally {
        release(world);
      }
    },
    async close() {
      const settled = await Promise.allSettled(all);
      const closing = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.close()] : []));
      const failures = (await Promise.allSettled(closing)).filter((s) => s.status === "rejected");
      if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
    },
  };
}
