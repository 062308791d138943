/** reports/bench.md: the tables, the targets and whether they were met, and the scaling plot. */
import type { SoakBench } from "./soak-bench.js";
import type { InterruptRow } from "./interrupt-bench.js";
import { formatBytes } from "../support/size.js";
import { formatGoDuration } from "../support/duration.js";
import type { CatalogueBench } from "./catalogue-bench.js";
import type { ThroughputBench } from "./throughput-bench.js";
import type { FleetRow } from "./fleet-bench.js";
import { formatSummary } from "./stats.js";
import { failedPulls } from "../fleet/pull-failures.js";

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  runs: number;
  catalogue?: CatalogueBench;
  throughput?: ThroughputBench;
  fleet?: FleetRow[];
  fleetOutage?: FleetRow[];
  fleetScaling?: FleetRow[];
  soak?: SoakBench;
  interrupts?: InterruptRow[];
}

/** The registry's requests second by second in the outage storms (section 3b). */
export const FLEET_REQUESTS_SVG = "fleet-requests.svg";

export const TARGETS = {
  catalogueS: 60,
  simOverSkopeo: 0.9,
  simOverCurl: 0.7,
  fleet1000S: 30,
  fleet1000Bytes: 2 * 1024 ** 3,
  fleet10000S: 180,
  fleet10000Bytes: 4 * 1024 ** 3,
};

const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const met = (ok: boolean) => (ok ? "met" : "**not met**");

export function renderBenchMarkdown(report: BenchReport, svgName: string | undefined): string {
  const out: string[] = [];
  out.push(`# pullcheck benchmarks`, "");
  out.push(
    `Measured ${report.date} on ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node} (${report.machine.platform}).`,
  );
  out.push(`Each figure: median (min–max) of ${report.runs} run(s). Reproduce with \`make bench\` (or \`npx pullcheck bench --runs N\`).`, "");
  const c = report.catalogue;
  if (c) {
    out.push(`## 1. Catalogue time (simulation, every policy, ${c.parallel} tests at a time)`, "");
    out.push(
      table(
        ["scenarios", "tests", "wall s", "tests/s", "runs that failed"],
        c.scaling.map((r) => [r.scenarios, r.tests, formatSummary(r.wallMs, 1, 1000), formatSummary(r.testsPerSecond, 1), r.failedRuns]),
      ),
    );
    out.push(
      "",
      `Target: the full catalogue in under ${TARGETS.catalogueS} s — ${met(c.full.wallMs.median < TARGETS.catalogueS * 1000)} (median ${(c.full.wallMs.median / 1000).toFixed(1)} s; wall time of \`pullcheck run\`, process start and vitest included).`,
      "",
    );
    out.push("Where the time goes (last full run; test-seconds summed over all tests, which overlap):", "");
    out.push(
      table(
        ["part", "seconds"],
        [
          [
            `environment start (one per parallel slot; median ${formatSummary(c.environmentStartMs, 0)} ms each)`,
            ((c.environmentStartMs.median * c.parallel) / 1000).toFixed(1),
          ],
          [`reset between tests (median ${formatSummary(c.resetMs, 1)} ms when measured alone)`, c.breakdown.resetS.toFixed(1)],
          ["registry setup per test (push the scenario's images, create the node)", c.breakdown.setupS.toFixed(1)],
          ["scenario steps (pulls, waits, faults, expectations)", c.breakdown.stepsS.toFixed(1)],
          [`of which registry requests in flight (${c.breakdown.registryGiB.toFixed(2)} GiB served)`, c.breakdown.registryRequestsS.toFixed(1)],
        ],
      ),
    );
    out.push("", "Slowest scenarios (mean per policy): " + c.slowest.map((s) => `${s.scenario} ${s.meanS.toFixed(2)} s`).join(", ") + ".", "");
  }
  const t = report.throughput;
  if (t) {
    out.push(`## 2. Pull throughput: the \`fat\` image (${formatBytes(t.imageBytes)}; layer ${formatBytes(t.layerBytes)})`, "");
    out.push(
      table(
        ["puller", "route", "MiB/s", "note"],
        t.rows.map((r) => [r.puller, r.route, r.mibPerSecond ? formatSummary(r.mibPerSecond, 0) : "—", r.note ?? ""]),
      ),
    );
    out.push("");
    for (const r of t.ratios) {
      const parts: string[] = [];
      if (r.simulationOverSkopeo !== undefined)
        parts.push(
          `simulation / skopeo = ${r.simulationOverSkopeo.toFixed(2)} (target ≥ ${TARGETS.simOverSkopeo}: ${met(r.simulationOverSkopeo >= TARGETS.simOverSkopeo)})`,
        );
      if (r.simulationOverCurl !== undefined)
        parts.push(
          `simulation / curl = ${r.simulationOverCurl.toFixed(2)} (target ≥ ${TARGETS.simOverCurl}: ${met(r.simulationOverCurl >= TARGETS.simOverCurl)})`,
        );
      out.push(`- ${r.route}: ${parts.join("; ") || "no comparison tool available"}`);
    }
    out.push(
      "",
      "The simulation and skopeo fetch manifest, config and layer and verify digests; curl fetches the layer only; all three write to the same disk, and process start-up counts for skopeo and curl. `node http` is Node's own HTTP client reading the layer and discarding it: no client built on Node's HTTP stack (as the simulation is) can be faster than that row.",
      "",
    );
  }
  if (report.fleet?.length) {
    out.push("## 3. Fleet: a restart storm (every node has v1 cached, `app:latest` → v2, all pods start at once)", "");
    out.push(fleetTable(report.fleet));
    const big = report.fleet.filter((r) => r.nodes === 1000);
    if (big.length > 0) {
      const slowest = Math.max(...big.map((r) => r.stormRealMs.median));
      const heaviest = Math.max(...big.map((r) => r.memoryBytes.max));
      out.push(
        "",
        `Target: 1000 nodes in under ${TARGETS.fleet1000S} s and under 2 GiB — time ${met(slowest < TARGETS.fleet1000S * 1000)} (slowest policy's median storm ${(slowest / 1000).toFixed(1)} s; node setup not counted), memory ${met(heaviest < TARGETS.fleet1000Bytes)} (largest ${formatBytes(heaviest)}: the process's peak and the node files in a tmpfs).`,
      );
    }
    out.push("");
  }
  if (report.fleetOutage?.length) {
    out.push(`## 3b. The same storm, pods started during a ${formatGoDuration(report.fleetOutage[0]!.outageMs)} outage`, "");
    out.push("Requests are those that reached the registry (Toxiproxy refuses the rest while the registry is down).", "");
    out.push(fleetTable(report.fleetOutage), "");
    out.push(`![the registry's requests per second and in total, per policy](${FLEET_REQUESTS_SVG})`, "");
  }
  if (c || report.fleetScaling?.length) {
    out.push("## 4. Scaling", "");
    if (svgName) out.push(`![catalogue time by scenarios, fleet storm time by nodes](${svgName})`, "");
    if (report.fleetScaling?.length) {
      out.push(
        table(
          ["policy", "nodes", "storm s", "setup s", "peak RSS", "node files", "pods", "failed pulls", "requests", "same counts every run"],
          report.fleetScaling.map((r) => [
            r.policy,
            r.nodes,
            formatSummary(r.stormRealMs, 2, 1000),
            formatSummary(r.setupRealMs, 2, 1000),
            formatBytes(r.peakRssBytes.max),
            `${formatBytes(r.last.nodeFiles.bytes)}${r.last.nodeFiles.inMemory ? " (tmpfs)" : ""}`,
            outcomesOf(r),
            failedPulls(r.last.pullFailures),
            r.last.requests.total,
            r.sameCountsEveryRun ? "yes" : "**no**",
          ]),
        ),
      );
      const largest = report.fleetScaling.filter((r) => r.nodes === 10_000);
      for (const r of largest) {
        const allRan = Object.keys(r.last.outcomes).every((what) => !what.startsWith("waiting"));
        out.push(
          "",
          `Target, ${r.policy}: 10000 nodes in at most ${TARGETS.fleet10000S / 60} min and ${formatBytes(TARGETS.fleet10000Bytes)}, all pods running — time ${met(r.stormRealMs.max <= TARGETS.fleet10000S * 1000)} (slowest storm ${(r.stormRealMs.max / 1000).toFixed(1)} s, node setup ${(r.setupRealMs.max / 1000).toFixed(1)} s more), memory ${met(r.memoryBytes.max <= TARGETS.fleet10000Bytes)} (largest ${formatBytes(r.memoryBytes.max)}: the process's peak and the node files in a tmpfs), pods ${met(allRan)}.`,
        );
      }
      out.push("");
    }
  }
  const soak = report.soak;
  if (soak) {
    out.push(`## 5. Soak: the catalogue ${soak.runs} times while ${soak.busyProcesses} processes keep every core busy`, "");
    out.push(
      table(
        ["runs", "tests per run", "wall s per run", "cells that did not pass"],
        [[soak.runs, soak.tests, formatSummary(soak.wallMs, 1, 1000), soak.notPassed.length]],
      ),
    );
    out.push("", `Target: every cell passes in every run — ${met(soak.notPassed.length === 0)}.`, ...soak.notPassed.map((line) => `- ${line}`), "");
  }
  if (report.interrupts?.length) out.push(...interruptSection(report.interrupts));
  return `${out.join("\n")}\n`;
}

function interruptSection(rows: InterruptRow[]): string[] {
  const clean = (r: InterruptRow) => r.processesLeft.length === 0 && r.newListeningPorts.length === 0 && r.tempLeftAfterClean.length === 0;
  const needsClean = (r: InterruptRow) => r.tempLeft.length > 0 && r.tempLeftAfterClean.length === 0;
  return [
    "## 6. Runs stopped from outside",
    "",
    table(
      ["signal", "to", "after", "exit", "processes left", "new listening ports", "temp entries left", "what it said"],
      rows.map((r) => [
        r.signal,
        r.target === "cli" ? "the CLI" : "a shell above it",
        `${r.atMs / 1000} s`,
        r.exitCode ?? "—",
        r.processesLeft.length,
        r.newListeningPorts.length,
        needsClean(r) ? `0 after \`make clean\` (${r.tempLeft.join(", ")} before)` : r.tempLeftAfterClean.length,
        r.said.length === 0 ? "nothing" : r.said.map((line) => `\`${line}\``).join("<br>"),
      ]),
    ),
    "",
    `Target: nothing left by any of them (after \`make clean\` for SIGKILL) — ${met(rows.every(clean))}.`,
    ...rows
      .filter((r) => !clean(r))
      .map(
        (r) =>
          `- ${r.signal} at ${r.atMs / 1000} s: ${[...r.processesLeft, ...r.newListeningPorts.map((p) => `port ${p}`), ...r.tempLeftAfterClean].join("; ")}`,
      ),
    "",
  ];
}

function fleetTable(rows: FleetRow[]): string {
  return table(
    [
      "policy",
      "nodes",
      "storm s (real)",
      "all running after heal (virtual)",
      "pods",
      "manifest HEAD",
      "manifest GET",
      "blob GET",
      "bytes served",
      "peak RSS",
      "same counts every run",
    ],
    rows.map((r) => [
      r.policy,
      r.nodes,
      formatSummary(r.stormRealMs, 2, 1000),
      r.allRunningAfterHealMs ? formatGoDuration(Math.round(r.allRunningAfterHealMs.median)) : "not all",
      outcomesOf(r),
      r.last.requests.manifestHead,
      r.last.requests.manifestGet,
      r.last.requests.blobGet,
      formatBytes(r.last.bytesServed),
      formatBytes(r.peakRssBytes.median),
      r.sameCountsEveryRun ? "yes" : "**no**",
    ]),
  );
}

function outcomesOf(row: FleetRow): string {
  return Object.entries(row.last.outcomes)
    .map(([what, n]) => `${n} ${what}`)
    .join(", ");
}
