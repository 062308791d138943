/**
 * Fleet figures: `pullcheck fleet` for each policy and size, each run in a process of its own
 * (so its peak memory is its own), several runs per figure.
 */
import type { FleetResult } from "../fleet/run-fleet.js";
import { summarize, type Summary } from "./stats.js";
import { runPullcheck } from "./run-command.js";

export interface FleetRow {
  policy: string;
  nodes: number;
  outageMs: number;
  stormRealMs: Summary;
  setupRealMs: Summary;
  allRunningAfterHealMs: Summary | undefined;
  peakRssBytes: Summary;
  /** The process's peak plus the node files it kept in a tmpfs (memory too). */
  memoryBytes: Summary;
  /** The last run's result. */
  last: FleetResult;
  /** Whether every run ended with the same pod outcomes, request counts and pull errors. */
  sameCountsEveryRun: boolean;
}

export async function benchFleet(policies: string[], sizes: number[], outageMs: number, runs: number, log: (line: string) => void): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  for (const nodes of sizes) {
    for (const policy of policies) {
      const results: FleetResult[] = [];
      for (let run = 0; run < runs; run++) {
        const result = await runPullcheck(["fleet", "--nodes", String(nodes), "--policy", policy, "--outage", `${outageMs}ms`, "--json"]);
        if (result.code !== 0 && result.code !== 1)
          throw new Error(`pullcheck fleet --nodes ${nodes} --policy ${policy} failed (exit ${result.code}): ${result.stderr.trim()}`);
        const [parsed] = JSON.parse(result.stdout) as FleetResult[];
        results.push(parsed!);
        log(
          `fleet: ${nodes} nodes, ${policy}, outage ${outageMs / 1000}s, run ${run + 1}/${runs}: storm ${(parsed!.stormRealMs / 1000).toFixed(2)} s, ${parsed!.requests.total} requests`,
        );
      }
      const allRan = results.every((r) => r.allRunningAfterHealMs !== undefined);
      rows.push({
        policy,
        nodes,
        outageMs,
        stormRealMs: summarize(results.map((r) => r.stormRealMs)),
        setupRealMs: summarize(results.map((r) => r.setupRealMs)),
        allRunningAfterHealMs: allRan ? summarize(results.map((r) => r.allRunningAfterHealMs!)) : undefined,
        peakRssBytes: summarize(results.map((r) => r.peakRssBytes)),
        memoryBytes: summarize(results.map((r) => r.peakRssBytes + (r.nodeFiles.inMemory ? r.nodeFiles.bytes : 0))),
        last: results.at(-1)!,
        sameCountsEveryRun: new Set(results.map((r) => JSON.stringify([r.outcomes, r.requests, r.requestsOverTime, r.pullFailures]))).size === 1,
      });
    }
  }
  return rows;
}
