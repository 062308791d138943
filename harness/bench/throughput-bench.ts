/**
 * Pull throughput of the `fat` image (64 MiB layer), side by side against the same registry, each
 * writing what it pulls to disk: the simulation's image service (manifest, config and layer, with
 * sha256 verification), `skopeo copy` to a local directory (the same, done by containers/image),
 * and `curl` of the layer blob alone. Directly against the registry, and through Toxiproxy and the
 * gate (the path every simulated node uses). A fourth row, Node's own `http.get` of the layer with
 * the body thrown away, is the ceiling for any client written on Node's HTTP stack.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import http from "node:http";
import { startEnvironment } from "../environment/environment.js";
import { RealClock } from "../support/clock.js";
import { getFixture } from "../fixture-images/catalog.js";
import { CriImageService } from "../node/sim/image-service/cri-image-service.js";
import { REGISTRY_HOST } from "../scenario/image-names.js";
import { commandOutputOrUndefined } from "../support/command.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { summarize, type Summary } from "./stats.js";
import { runCommand } from "./run-command.js";

export type Puller = "simulation" | "skopeo" | "curl" | "node http";
export type Route = "direct" | "toxiproxy";

export interface ThroughputRow {
  puller: Puller;
  route: Route;
  /** MiB/s over the bytes that puller moves; undefined when the tool is missing. */
  mibPerSecond: Summary | undefined;
  note?: string;
}

export interface ThroughputBench {
  imageBytes: number;
  layerBytes: number;
  rows: ThroughputRow[];
  ratios: { route: Route; simulationOverSkopeo?: number; simulationOverCurl?: number }[];
}

export async function benchThroughput(runs: number, log: (line: string) => void): Promise<ThroughputBench> {
  const fat = getFixture("fat");
  const layer = fat.blobs.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
  const imageBytes = fat.manifest.length + fat.blobs.reduce((sum, b) => sum + b.bytes.length, 0);
  const work = mkdtempSync(join(tmpdir(), "pullcheck-bench-pull-"));
  const environment = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), tempRoot: work });
  try {
    await environment.admin.pushImage("big", "latest", fat);
    const hosts: Record<Route, string> = { direct: environment.registryUrl.replace("http://", ""), toxiproxy: environment.endpoint };
    const skopeo = toolVersion("skopeo", ["--version"]);
    const curl = toolVersion("curl", ["--version"]);
    const rows: ThroughputRow[] = [];
    let count = 0;
    const scratch = () => join(work, `pull-${count++}`);
    for (const route of ["direct", "toxiproxy"] as const) {
      const host = hosts[route];
      const sim: number[] = [];
      const sko: number[] = [];
      const cur: number[] = [];
      const raw: number[] = [];
      for (let run = 0; run < runs; run++) {
        // Interleaved, so a slower moment of the machine touches every puller alike.
        const dir = scratch();
        const service = new CriImageService({ nodeName: "bench", storeDir: dir, hosts: { [REGISTRY_HOST]: host }, clock: new RealClock() });
        let started = performance.now();
        await service.pullImage(`${REGISTRY_HOST}/big:latest`, undefined);
        sim.push(mibPerSecond(imageBytes, performance.now() - started));
        rmSync(dir, { recursive: true, force: true });
        if (skopeo) {
          const target = scratch();
          const result = await runCommand("skopeo", ["copy", "--insecure-policy", "--src-tls-verify=false", `docker://${host}/big:latest`, `dir:${target}`]);
          if (result.code !== 0) throw new Error(`skopeo copy failed: ${result.stderr.trim()}`);
          sko.push(mibPerSecond(imageBytes, result.wallMs));
          rmSync(target, { recursive: true, force: true });
        }
        if (curl) {
          const target = scratch();
          started = performance.now();
          const result = await runCommand("curl", ["-sS", "--fail", "-o", target, `http://${host}/v2/big/blobs/${layer.digest}`]);
          if (result.code !== 0) throw new Error(`curl failed: ${result.stderr.trim()}`);
          cur.push(mibPerSecond(layer.bytes.length, result.wallMs));
          rmSync(target, { force: true });
        }
        started = performance.now();
        await discardGet(`http://${host}/v2/big/blobs/${layer.digest}`);
        raw.push(mibPerSecond(layer.bytes.length, performance.now() - started));
        log(
          `throughput ${route} run ${run + 1}/${runs}: simulation ${sim.at(-1)!.toFixed(0)} MiB/s${skopeo ? `, skopeo ${sko.at(-1)!.toFixed(0)}` : ""}${curl ? `, curl ${cur.at(-1)!.toFixed(0)}` : ""}`,
        );
      }
      rows.push({ puller: "simulation", route, mibPerSecond: summarize(sim) });
      rows.push({
        puller: "skopeo",
        route,
        mibPerSecond: skopeo ? summarize(sko) : undefined,
        note: skopeo ?? "skopeo is not installed (make bench installs it from Debian when it can)",
      });
      rows.push({ puller: "curl", route, mibPerSecond: curl ? summarize(cur) : undefined, note: curl ?? "curl is not installed" });
      rows.push({ puller: "node http", route, mibPerSecond: summarize(raw), note: `http.get, body discarded (Node ${process.version})` });
    }
    const median = (puller: Puller, route: Route) => rows.find((r) => r.puller === puller && r.route === route)?.mibPerSecond?.median;
    const ratios = (["direct", "toxiproxy"] as const).map((route) => {
      const simulation = median("simulation", route)!;
      const sk = median("skopeo", route);
      const cu = median("curl", route);
      return { route, ...(sk ? { simulationOverSkopeo: simulation / sk } : {}), ...(cu ? { simulationOverCurl: simulation / cu } : {}) };
    });
    return { imageBytes, layerBytes: layer.bytes.length, rows, ratios };
  } finally {
    await environment.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function discardGet(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.on("data", () => {});
        res.on("end", resolve);
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** Whole process time includes its start-up (tens of ms for skopeo and curl): part of the cost of using it. */
function mibPerSecond(bytes: number, ms: number): number {
  return bytes / 1024 / 1024 / (ms / 1000);
}

function toolVersion(tool: string, args: string[]): string | undefined {
  return commandOutputOrUndefined(tool, args)?.split("\n")[0]!.trim().split(" ").slice(0, 3).join(" ");
}
