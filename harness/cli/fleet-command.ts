/** `pullcheck fleet`: a restart storm of N simulated nodes under one policy, and what it cost the registry. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { InputError, errorMessage } from "../support/errors.js";
import { parseDuration, formatGoDuration } from "../support/duration.js";
import { policiesWith } from "../policy/load-policies.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { formatBytes } from "../support/size.js";
import { runFleet, type FleetResult } from "../fleet/run-fleet.js";
import { failedPulls } from "../fleet/pull-failures.js";
import { renderRequestPlot } from "../fleet/request-plot.js";
import { ensureWritableFolder } from "../support/writable-folder.js";

const MAX_NODES = 10_000;

export const FLEET_USAGE = `usage: pullcheck fleet --nodes N --policy NAME [--policy NAME]… [options]

  --nodes N          simulated nodes in this process (1–10000), sharing one registry and Toxiproxy
  --policy NAME      the pod's imagePullPolicy (repeatable: one storm per policy)
  --policies FILE    extra policy definitions
  --outage DURATION  start the pods while the registry is down and heal it after DURATION (e.g. 60s);
                     default 0: every pod starts when the outage heals
  --cached VARIANT   what every node has cached under app:latest (default v1)
  --latest VARIANT   what app:latest points at in the registry (default v2)
  --json             print the results as JSON
  --report DIR       also write fleet.md (the table), fleet.json and fleet.svg (the registry's
                     requests over time, per policy) into DIR`;

const FLEET_VARIANTS = ["v1", "v2", "v3"];

export async function fleetCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(FLEET_USAGE);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        nodes: { type: "string" },
        policy: { type: "string", multiple: true },
        policies: { type: "string", multiple: true },
        outage: { type: "string" },
        cached: { type: "string" },
        latest: { type: "string" },
        json: { type: "boolean" },
        report: { type: "string" },
      },
    });
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: FLEET_USAGE }]);
  }
  const { values } = parsed;
  const nodes = Number(values.nodes);
  if (values.nodes === undefined || !/^\d+$/.test(values.nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new InputError([
      {
        path: "--nodes",
        message: values.nodes === undefined ? "missing" : `"${values.nodes}" is not a whole number from 1 to ${MAX_NODES}`,
        hint: "e.g. --nodes 1000",
      },
    ]);
  }
  const policies = policiesWith((values.policies ?? []).map((p) => resolve(p)));
  const known = new Map(policies.map((p) => [p.name, p]));
  const chosen = values.policy ?? [];
  if (chosen.length === 0) throw new InputError([{ path: "--policy", message: "missing", hint: `one of ${[...known.keys()].join(", ")}` }]);
  for (const name of chosen) {
    if (!known.has(name)) throw new InputError([{ path: "--policy", message: `unknown policy ${name}`, hint: `one of ${[...known.keys()].join(", ")}` }]);
  }
  const outageMs = values.outage === undefined ? 0 : parseDuration(values.outage);
  if (outageMs === undefined)
    throw new InputError([{ path: "--outage", message: `"${values.outage}" is not a duration`, hint: "e.g. --outage 60s or --outage 2m" }]);
  for (const [flag, value] of [
    ["--cached", values.cached],
    ["--latest", values.latest],
  ] as const) {
    if (value !== undefined && !FLEET_VARIANTS.includes(value)) {
      throw new InputError([
        {
          path: flag,
          message: `variant ${value} is not offered for fleets`,
          hint: `one of ${FLEET_VARIANTS.join(", ")} (small images: a fleet of 1000 would otherwise move gigabytes)`,
        },
      ]);
    }
  }
  const reportDir = values.report === undefined ? undefined : resolve(values.report);
  if (reportDir) ensureWritableFolder(reportDir, "--report");
  const results: FleetResult[] = [];
  for (const policy of chosen) {
    results.push(
      await runFleet({
        nodes,
        policy,
        policies: known,
        toolsDir: join(REPO_ROOT, ".tools", "bin"),
        outageMs,
        ...(values.cached ? { cachedVariant: values.cached } : {}),
        ...(values.latest ? { latestVariant: values.latest } : {}),
      }),
    );
  }
  const table = renderFleetTable(results);
  if (reportDir) {
    writeFileSync(join(reportDir, "fleet.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(reportDir, "fleet.svg"), renderRequestPlot(results));
    writeFileSync(join(reportDir, "fleet.md"), `# Fleet restart storm\n\n${table}\n\n![registry requests over time, per policy](fleet.svg)\n`);
  }
  console.log(values.json ? JSON.stringify(results, null, 2) : table);
  return results.every((r) => r.allRunningAfterHealMs !== undefined) ? 0 : 1;
}

export function renderFleetTable(results: FleetResult[]): string {
  const header =
    "| policy | nodes | outage | all running after heal | setup (real) | storm (real) | pods | failed pulls (pods that pulled again) | manifest HEAD | manifest GET | blob GET | bytes served | peak RSS | node files |";
  const rows = results.map((r) =>
    [
      r.policy,
      r.nodes,
      formatGoDuration(r.outageMs),
      r.allRunningAfterHealMs === undefined ? "not all (deadline)" : formatGoDuration(r.allRunningAfterHealMs),
      `${(r.setupRealMs / 1000).toFixed(2)} s`,
      `${(r.stormRealMs / 1000).toFixed(2)} s`,
      Object.entries(r.outcomes)
        .map(([what, count]) => `${count} ${what}`)
        .join(", "),
      `${failedPulls(r.pullFailures)} (${r.pullFailures.podsPulledMoreThanOnce})`,
      r.requests.manifestHead,
      r.requests.manifestGet,
      r.requests.blobGet,
      formatBytes(r.bytesServed),
      formatBytes(r.peakRssBytes),
      `${formatBytes(r.nodeFiles.bytes)} ${r.nodeFiles.inMemory ? "(tmpfs: memory)" : "(disk)"}`,
    ].join(" | "),
  );
  return [header, `|${"---|".repeat(14)}`, ...rows.map((row) => `| ${row} |`), ...failureLines(results)].join("\n");
}

/** Each storm's pull error messages, most frequent first (none when every pull succeeded at once). */
function failureLines(results: FleetResult[]): string[] {
  return results.flatMap((r) => {
    const messages = Object.entries(r.pullFailures.messages).sort(([, a], [, b]) => b - a);
    if (messages.length === 0) return [];
    return ["", `Pull errors, ${r.policy}, ${r.nodes} nodes:`, ...messages.map(([message, count]) => `- ${count} × ${message}`)];
  });
}
