import { describe, expect, it } from "vitest";
import { formatSummary, summarize } from "../../harness/bench/stats.js";
import { renderScalingSvg } from "../../harness/bench/scaling-plot.js";
import { renderBenchMarkdown, type BenchReport } from "../../harness/bench/render-bench.js";
import type { FleetRow } from "../../harness/bench/fleet-bench.js";
import type { InterruptRow } from "../../harness/bench/interrupt-bench.js";
import type { FleetResult } from "../../harness/fleet/run-fleet.js";
import type { RequestsInSecond } from "../../harness/fleet/request-series.js";
import { renderRequestPlot } from "../../harness/fleet/request-plot.js";

describe("bench statistics", () => {
  it("should take the median of odd and even counts, with min and max", () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(formatSummary(summarize([1500, 1000, 2000]), 1, 1000)).toBe("1.5 (1.0–2.0)");
    expect(formatSummary(summarize([1500]), 1, 1000)).toBe("1.5");
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe("bench report", () => {
  const summary = (median: number) => ({ median, min: median, max: median, runs: 1 });
  const report: BenchReport = {
    date: "2026-11-22",
    machine: { cpus: 2, cpuModel: "Test CPU", memoryGiB: 24, node: "v20", platform: "linux/x64" },
    runs: 1,
    throughput: {
      imageBytes: 64 * 1024 * 1024,
      layerBytes: 64 * 1024 * 1024,
      rows: [
        { puller: "simulation", route: "direct", mibPerSecond: summary(100) },
        { puller: "skopeo", route: "direct", mibPerSecond: undefined, note: "skopeo is not installed" },
        { puller: "curl", route: "direct", mibPerSecond: summary(400) },
      ],
      ratios: [{ route: "direct", simulationOverCurl: 0.25 }],
    },
  };

  it("should say which targets are not met and which tool is missing", () => {
    const markdown = renderBenchMarkdown(report, undefined);
    expect(markdown).toContain("simulation / curl = 0.25 (target ≥ 0.7: **not met**)");
    expect(markdown).toContain("| skopeo | direct | — | skopeo is not installed |");
    expect(markdown).toContain("Measured 2026-11-22 on 2 × Test CPU");
  });

  it("should plot every point of every series inside the picture", () => {
    const svg = renderScalingSvg([
      {
        title: "Fleet",
        xLabel: "nodes",
        yLabel: "s",
        series: [
          {
            label: "Always",
            points: [
              { x: 10, y: 0.5 },
              { x: 1000, y: 12 },
            ],
          },
          { label: "SafeFallback", points: [{ x: 10, y: 0.4 }] },
        ],
      },
    ]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    for (const [, x, y] of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(x)).toBeGreaterThan(0);
      expect(Number(x)).toBeLessThan(420);
      expect(Number(y)).toBeGreaterThan(0);
      expect(Number(y)).toBeLessThan(300);
    }
    expect(svg).toContain("SafeFallback");
  });
});

describe("fleet figures", () => {
  const summary = (median: number) => ({ median, min: median, max: median, runs: 3 });
  const result = (policy: string, requestsOverTime: RequestsInSecond[], outcomes: Record<string, number>): FleetResult => ({
    nodes: 10_000,
    policy,
    outageMs: 0,
    setupRealMs: 1,
    stormRealMs: 1,
    allRunningAfterHealMs: 0,
    outcomes,
    requests: { manifestHead: 3, manifestGet: 0, blobGet: 0, other: 0, total: 3 },
    requestsOverTime,
    bytesServed: 0,
    pullFailures: { messages: {}, podsPulledMoreThanOnce: 0 },
    peakRssBytes: 1,
    nodeFiles: { bytes: 1, inMemory: true },
  });
  const second = (at: number, manifestHead: number): RequestsInSecond => ({ second: at, manifestHead, manifestGet: 0, blobGet: 0, other: 0 });

  it("should plot a line per policy over every second, the quiet ones at zero, and a running total", () => {
    const svg = renderRequestPlot([result("Always", [second(0, 2), second(3, 1)], { v2: 3 }), result("SafeFallback", [], { v1: 3 })]);
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!.split(" ").length);
    // Seconds 0–3 for both policies, in both panels.
    expect(paths).toEqual([4, 4, 4, 4]);
    expect(svg).toContain("Registry requests per second, 10000 nodes");
    expect(svg).toContain("Registry requests so far");
    expect(svg).not.toContain("<circle");
  });

  it("should judge the 10,000-node target on the slowest run and say when counts varied between runs", () => {
    const row = (policy: string, stormS: number, outcomes: Record<string, number>, same: boolean, memoryGiB = 2.5): FleetRow => ({
      policy,
      nodes: 10_000,
      outageMs: 0,
      stormRealMs: summary(stormS * 1000),
      setupRealMs: summary(30_000),
      allRunningAfterHealMs: summary(0),
      peakRssBytes: summary(2 * 1024 ** 3),
      memoryBytes: summary(memoryGiB * 1024 ** 3),
      last: result(policy, [], outcomes),
      sameCountsEveryRun: same,
    });
    const markdown = renderBenchMarkdown(
      {
        date: "2026-12-01",
        machine: { cpus: 2, cpuModel: "Test CPU", memoryGiB: 24, node: "v20", platform: "linux/x64" },
        runs: 3,
        fleetScaling: [
          row("Always", 200, { v2: 9990, "waiting ImagePullBackOff": 10 }, false),
          row("SafeFallback", 40, { v1: 10_000 }, true),
          row("IfNotPresent", 30, { v1: 10_000 }, true, 4.5),
        ],
      },
      undefined,
    );
    expect(markdown).toContain("Target, Always: 10000 nodes in at most 3 min and 4.00 GiB, all pods running — time **not met** (slowest storm 200.0 s");
    expect(markdown).toContain("pods **not met**");
    expect(markdown).toContain("Target, SafeFallback: 10000 nodes in at most 3 min and 4.00 GiB, all pods running — time met");
    expect(markdown).toMatch(/\| Always \| 10000 \|.*\| \*\*no\*\* \|/);
    // Node files in a tmpfs are memory: 2 GiB of process and 2.5 GiB of files miss 4 GiB.
    expect(markdown).toContain("memory **not met** (largest 4.50 GiB: the process's peak and the node files in a tmpfs)");
    expect(markdown).toContain("memory met (largest 2.50 GiB");
  });
});

describe("interrupt figures", () => {
  const row = (over: Partial<InterruptRow>): InterruptRow => ({
    signal: "SIGTERM",
    atMs: 3000,
    target: "cli",
    exitCode: 143,
    processesLeft: [],
    newListeningPorts: [],
    tempLeft: [],
    tempLeftAfterClean: [],
    said: ["pullcheck: SIGTERM: stopping the tests (each releases what it started), then exiting"],
    ...over,
  });

  it("should count what make clean removed as cleaned, and name whatever stayed", () => {
    const machine = { cpus: 2, cpuModel: "Test CPU", memoryGiB: 24, node: "v20", platform: "linux/x64" };
    const killed = row({ signal: "SIGKILL", exitCode: 137, tempLeft: ["pullcheck-vitest-abc"], said: [] });
    const good = renderBenchMarkdown({ date: "2026-12-01", machine, runs: 1, interrupts: [row({}), killed] }, undefined);
    expect(good).toContain("| SIGKILL | the CLI | 3 s | 137 | 0 | 0 | 0 after `make clean` (pullcheck-vitest-abc before) | nothing |");
    expect(good).toContain("Target: nothing left by any of them (after `make clean` for SIGKILL) — met.");
    const leaky = row({ processesLeft: ["123 registry serve"], newListeningPorts: [5000] });
    const bad = renderBenchMarkdown({ date: "2026-12-01", machine, runs: 1, interrupts: [leaky] }, undefined);
    expect(bad).toContain("— **not met**.");
    expect(bad).toContain("- SIGTERM at 3 s: 123 registry serve; port 5000");
  });
});
