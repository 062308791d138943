/** `pullcheck bench`: the measurements behind reports/bench.{json,md,svg}. Not a test: nothing here fails on a slow machine. */
import { parseArgs } from "node:util";
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, errorMessage } from "../support/errors.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { builtinPolicies } from "../policy/load-policies.js";
import { benchCatalogue } from "../bench/catalogue-bench.js";
import { benchThroughput } from "../bench/throughput-bench.js";
import { benchFleet } from "../bench/fleet-bench.js";
import { benchSoak } from "../bench/soak-bench.js";
import { benchInterrupts } from "../bench/interrupt-bench.js";
import { renderBenchMarkdown, type BenchReport } from "../bench/render-bench.js";
import { renderScalingSvg } from "../bench/scaling-plot.js";
import { renderRequestPlot } from "../fleet/request-plot.js";
import { FLEET_REQUESTS_SVG } from "../bench/render-bench.js";
import { forwardSignalsToChildren } from "./forward-signals.js";

export const BENCH_USAGE = `usage: pullcheck bench [--runs N] [--quick] [--only catalogue|throughput|fleet|soak|interrupts]…

  --runs N     runs per figure (default 3); the median, min and max are reported
  --quick      one run per figure and fewer sizes (a smoke test of the benchmark itself)
  --only PART  only these parts (repeatable). soak (not run unless named): the catalogue --runs
               times while one process per core spins, every cell that did not pass named;
               interrupts (not run unless named): the catalogue stopped by signals, and what
               each run left behind
Writes reports/bench.json, reports/bench.md, reports/bench.svg and reports/fleet-requests.svg.`;

export async function benchCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { runs: { type: "string" }, quick: { type: "boolean" }, only: { type: "string", multiple: true }, help: { type: "boolean" } },
    }));
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: BENCH_USAGE }]);
  }
  if (values.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const quick = values.quick ?? false;
  const runs = values.runs === undefined ? (quick ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20)
    throw new InputError([{ path: "--runs", message: `"${values.runs}" is not a whole number from 1 to 20`, hint: "e.g. --runs 5" }]);
  const parts = new Set(values.only ?? ["catalogue", "throughput", "fleet"]);
  for (const part of parts) {
    if (!["catalogue", "throughput", "fleet", "soak", "interrupts"].includes(part))
      throw new InputError([{ path: "--only", message: `unknown part ${part}`, hint: "catalogue, throughput, fleet, soak or interrupts" }]);
  }
  const log = (line: string) => console.log(`bench: ${line}`);
  const policies = builtinPolicies().map((p) => p.name);
  const cpu = cpus();
  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? "unknown CPU",
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    },
    runs,
  };
  // A signal goes to the measured commands below too, and the bench waits for them before its own
  // cleanup removes their folders (a soak stopped by SIGTERM left its run writing into its folder).
  // Then forwarding stops, so that the signal the cleanup sends again ends the bench.
  const signals = forwardSignalsToChildren(() => signals.stop());
  try {
    if (parts.has("catalogue")) report.catalogue = await benchCatalogue(runs, quick ? [12] : [6, 12, 24], log);
    if (parts.has("soak")) report.soak = await benchSoak(runs, log);
    if (parts.has("interrupts")) report.interrupts = await benchInterrupts(log);
    if (parts.has("throughput")) report.throughput = await benchThroughput(quick ? 2 : Math.max(runs, 5), log);
    if (parts.has("fleet")) {
      report.fleet = await benchFleet(policies, quick ? [100] : [1000], 0, runs, log);
      report.fleetOutage = await benchFleet(policies, [100], 60_000, runs, log);
      const scalingPolicies = ["Always", "SafeFallback"];
      const extra = await benchFleet(scalingPolicies, quick ? [10] : [100, 5000, 10_000], 0, runs, log);
      report.fleetScaling = [...extra, ...report.fleet.filter((r) => scalingPolicies.includes(r.policy))].sort(
        (a, b) => a.policy.localeCompare(b.policy) || a.nodes - b.nodes,
      );
    }
  } finally {
    signals.stop();
  }
  const dir = join(REPO_ROOT, "reports");
  mkdirSync(dir, { recursive: true });
  const panels = [];
  if (report.catalogue) {
    panels.push({
      title: "Catalogue (simulation, all policies)",
      xLabel: "scenarios",
      yLabel: "wall time (s)",
      series: [{ label: "median", points: report.catalogue.scaling.map((r) => ({ x: r.scenarios, y: r.wallMs.median / 1000 })) }],
    });
  }
  if (report.fleetScaling?.length) {
    const byPolicy = new Map<string, { x: number; y: number }[]>();
    for (const r of report.fleetScaling) byPolicy.set(r.policy, [...(byPolicy.get(r.policy) ?? []), { x: r.nodes, y: r.stormRealMs.median / 1000 }]);
    panels.push({
      title: "Fleet restart storm",
      xLabel: "nodes",
      yLabel: "storm time, real (s)",
      series: [...byPolicy].map(([label, points]) => ({ label, points })),
    });
  }
  const svgName = panels.length > 0 ? "bench.svg" : undefined;
  if (svgName) writeFileSync(join(dir, svgName), renderScalingSvg(panels));
  if (report.fleetOutage?.length) writeFileSync(join(dir, FLEET_REQUESTS_SVG), renderRequestPlot(report.fleetOutage.map((r) => r.last)));
  writeFileSync(join(dir, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderBenchMarkdown(report, svgName);
  writeFileSync(join(dir, "bench.md"), markdown);
  console.log(`\n${markdown}`);
  console.log(
    `bench: wrote reports/bench.json, reports/bench.md${svgName ? ", reports/bench.svg" : ""}${report.fleetOutage?.length ? `, reports/${FLEET_REQUESTS_SVG}` : ""}`,
  );
  return 0;
}
