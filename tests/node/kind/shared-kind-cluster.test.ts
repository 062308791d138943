import { describe, expect, it } from "vitest";
import type { KindCluster } from "../../../harness/node/kind/kind-cluster.js";
import { SharedKindCluster } from "../../../harness/run/backends/shared-kind-cluster.js";

function fakeCluster(log: string[], failCreate = false): KindCluster {
  return {
    testNodes: ["c-worker", "c-worker2"],
    create: async () => {
      log.push("create");
      if (failCreate) throw new Error("kind could not create the cluster");
    },
    delete: async () => void log.push("delete"),
  } as unknown as KindCluster;
}

describe("SharedKindCluster (one cluster for every world of a run)", () => {
  it("creates the cluster once, gives each world its own node, and deletes it when the last world lets go", async () => {
    const log: string[] = [];
    let deleted = 0;
    const shared = new SharedKindCluster(
      () => fakeCluster(log),
      () => deleted++,
    );
    const [a, b] = await Promise.all([shared.claim(), shared.claim()]);
    expect([a.node, b.node].sort()).toEqual(["c-worker", "c-worker2"]);
    await expect(shared.claim()).rejects.toThrow(/every test node of the kind cluster is taken \(2\)/);
    await a.release();
    expect(log).toEqual(["create"]);
    await b.release();
    expect(log).toEqual(["create", "delete"]);
    expect(deleted).toBe(1);
  });

  it("tries again to create the cluster after a failed attempt, and deletes what the failed one left", async () => {
    const log: string[] = [];
    let attempts = 0;
    const shared = new SharedKindCluster(
      () => fakeCluster(log, ++attempts === 1),
      () => {},
    );
    await expect(shared.claim()).rejects.toThrow(/could not create/);
    const claimed = await shared.claim();
    expect(claimed.node).toBe("c-worker");
    await claimed.release();
    expect(log).toEqual(["create", "delete", "create", "delete"]);
  });
});
