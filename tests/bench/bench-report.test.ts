import { describe, expect, it } from "vitest";
import { formatSummary, summarize } from "../../harness/bench/stats.js";
import { renderScalingSvg } from "../../harness/bench/scaling-plot.js";
import { renderBenchMarkdown, type BenchReport } from "../../harness/bench/render-bench.js";

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
