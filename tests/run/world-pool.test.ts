import { describe, expect, it } from "vitest";
import { createWorldPool } from "../../harness/run/world-pool.js";
import type { StartedRunWorld } from "../../harness/run/run-world.js";

function fakeWorlds() {
  const started: string[] = [];
  const closed: string[] = [];
  let count = 0;
  const start = async () => {
    const name = `world-${++count}`;
    started.push(name);
    return { name, close: async () => void closed.push(name) } as unknown as StartedRunWorld & { name: string };
  };
  return { started, closed, start };
}

describe("world pool", () => {
  it("should give each running test its own world, start no more than its size, and reuse released worlds", async () => {
    const worlds = fakeWorlds();
    const pool = createWorldPool(2, worlds.start);
    const inUse = new Set<string>();
    let overlap = false;
    const use = (world: StartedRunWorld) => {
      const name = (world as unknown as { name: string }).name;
      if (inUse.has(name)) overlap = true;
      inUse.add(name);
      return new Promise<void>((resolve) => setImmediate(() => (inUse.delete(name), resolve())));
    };
    await Promise.all(Array.from({ length: 7 }, () => pool.withWorld(use)));
    expect(overlap).toBe(false);
    expect(worlds.started).toEqual(["world-1", "world-2"]);
    await pool.close();
    expect(worlds.closed.sort()).toEqual(["world-1", "world-2"]);
  });

  it("should give a slot back when a world fails to start, so later tests try again instead of waiting forever", async () => {
    let attempts = 0;
    const pool = createWorldPool(1, async () => {
      attempts++;
      throw new Error("registry did not start");
    });
    await expect(pool.withWorld(async () => "ran")).rejects.toThrow("registry did not start");
    await expect(pool.withWorld(async () => "ran")).rejects.toThrow("registry did not start");
    expect(attempts).toBe(2);
    await pool.close();
  });

  it("should refuse a size that is not a positive whole number", () => {
    expect(() => createWorldPool(0, async () => ({}) as StartedRunWorld)).toThrow(/positive integer/);
  });
});
