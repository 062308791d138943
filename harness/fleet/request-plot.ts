/**
 * The registry's load during storms, one line per policy: requests in each virtual second, and
 * the running total. Seconds in which the registry saw nothing are drawn as zero.
 */
import { renderScalingSvg, type Panel } from "../bench/scaling-plot.js";
import type { FleetResult } from "./run-fleet.js";

export function renderRequestPlot(results: FleetResult[]): string {
  const lastSecond = Math.max(0, ...results.flatMap((r) => r.requestsOverTime.map((s) => s.second)));
  const perSecond = results.map((r) => {
    const totals = new Map(r.requestsOverTime.map((s) => [s.second, s.manifestHead + s.manifestGet + s.blobGet + s.other]));
    return { label: r.policy, counts: Array.from({ length: lastSecond + 1 }, (_, second) => totals.get(second) ?? 0) };
  });
  const nodes = [...new Set(results.map((r) => r.nodes))].join("/");
  const panels: Panel[] = [
    {
      title: `Registry requests per second, ${nodes} nodes`,
      xLabel: "virtual seconds since the pods started",
      yLabel: "requests in that second",
      series: perSecond.map(({ label, counts }) => ({ label, markers: false, points: counts.map((y, x) => ({ x, y })) })),
    },
    {
      title: "Registry requests so far",
      xLabel: "virtual seconds since the pods started",
      yLabel: "requests",
      series: perSecond.map(({ label, counts }) => {
        let total = 0;
        return { label, markers: false, points: counts.map((y, x) => ({ x, y: (total += y) })) };
      }),
    },
  ];
  return renderScalingSvg(panels);
}
