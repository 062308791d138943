import { describe, expect, it } from "vitest";
import { allureContext } from "../../harness/report/allure-context.js";
import type { RunManifest } from "../../harness/report/run-manifest.js";
import type { Matrix } from "../../harness/report/matrix.js";

const manifest = (backends: string[]): RunManifest => ({
  pullcheckCommit: "abc123",
  simulatedKubelet: "1.35",
  backends,
  registry: "v3.1.2",
  toxiproxy: "v2.12.0",
  nodeImage: "pullcheck/node:v1.35.4-fork",
  nodeKubernetes: "v1.35.4",
  nodeContainerd: "v2.2.0",
});

describe("allureContext", () => {
  it("should put one backend's versions with the others, and give no environments to choose between", () => {
    const context = allureContext(manifest(["sim"]), undefined, { history: "/r/history.jsonl" });
    expect(context.variables).toEqual({
      "pullcheck commit": "abc123",
      registry: "Distribution v3.1.2",
      Toxiproxy: "v2.12.0",
      backend: "sim",
      kubelet: "simulation of the 1.35 kubelet",
    });
    expect(context.backends).toEqual({});
  });

  it("should give each backend of a run its own environment, and pass on the cells where they disagree", () => {
    const matrix = { columns: [], rows: [], disagreements: [{ scenario: "node/qps", policy: "Always", outcomes: { sim: "a", kind: "b" } }] } satisfies Matrix;
    const context = allureContext(manifest(["sim", "kind"]), matrix, { matrix: "/r/matrix.html", history: "/r/history.jsonl" });
    expect(context.backends).toEqual({
      sim: { backend: "sim", kubelet: "simulation of the 1.35 kubelet" },
      kind: { backend: "kind", kubelet: "v1.35.4", "node image": "pullcheck/node:v1.35.4-fork", containerd: "v2.2.0" },
    });
    expect(context.variables).not.toHaveProperty("kubelet");
    expect(context.disagreements).toEqual([{ scenario: "node/qps", policy: "Always" }]);
    expect(context.matrixFile).toBe("/r/matrix.html");
  });
});
