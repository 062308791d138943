/**
 * pullcheck CLI. The one place that prints errors and picks exit codes:
 * 0 all passed, 1 an outcome differed (or a run broke), 2 bad input.
 */
import { differencesCommand } from "./differences-command.js";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { EnvironmentError, InputError, errorMessage } from "../support/errors.js";
import { defaultRunConfig, type RunConfig } from "../run/run-config.js";
import { loadCatalogue } from "../run/catalogue.js";
import { runTests } from "./run-tests.js";
import { buildReport, writeDocs } from "./build-report.js";
import { fleetCommand } from "./fleet-command.js";
import { DEFAULT_CONTAINER_IMAGES } from "../environment/start-as-containers.js";
import { DEFAULT_KIND_WORKERS, DEFAULT_NODE_IMAGE, kindRunOptions } from "../run/backends/kind.js";
import { BACKENDS } from "../run/backends/index.js";
import { benchCommand } from "./bench-command.js";
import { KUBELET_VERSIONS } from "../node/sim/kubelet/kubelet-version.js";

const USAGE = `usage: pullcheck <command> [options]

commands:
  run [PATH…]        run scenario files or folders (default: scenarios/)
  list [PATH…]       list the planned tests (scenario × policy × backend)
  validate PATH…     check scenario files only; exit 2 on any error
  report             build the HTML report and reports/matrix.md from the last run
  docs               regenerate docs/policies.md (policies, last run) and the tables of docs/scenario-format.md
  differences        cells where sim and kind ended differently in the last run, each with its
                     documented explanation; exit 1 when one has none (--results DIR)
  fleet              a restart storm of N simulated nodes: registry load per policy (fleet --help)
  bench              measure suite time, pull throughput and fleets into reports/bench.* (bench --help)

options (run, list):
  --policy NAME      only this policy (repeatable)
  --policies FILE    extra policy definitions (repeatable)
  --backend NAME     ${BACKENDS.map((b) => b.name).join(", ")} (default sim; repeatable: one matrix, a column per backend)
  --node-image IMG   kind node image (default ${DEFAULT_NODE_IMAGE}); a kubelet fork's image works too
  --kind-policies P  comma-separated proposed policies the node image's kubelet knows (default: its
                     label dev.pullcheck.policies)
  --kind-workers N   kind worker nodes, one test at a time on each (default ${DEFAULT_KIND_WORKERS}; 0: one node
                     that is also the control plane)
  --scenario GLOB    only scenarios whose name matches (e.g. 'outage/*'; repeatable)
  --retain           keep the environment running afterwards and print where it is
  --parallel N       tests at once, each with its own registry and Toxiproxy (default 4)
  --containers       registry, Toxiproxy and gate as containers (needs a Docker engine; make images)
  --registry-image I, --toxiproxy-image I, --gate-image I
                     images for --containers (defaults: registry:3, ghcr.io/shopify/toxiproxy:2.12.0,
                     pullcheck-gate:local)
  --report           build the report after the run
  --kubelet-version V  reproduce kubelet 1.35 (default), 1.34 (KEP-2535 off) or 1.31 (no precheck)
  --output DIR       write results to DIR/results and DIR/allure-results instead of the repository`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await run(rest);
      case "list":
        return list(rest);
      case "validate":
        return validate(rest);
      case "report":
        return await buildReport();
      case "docs":
        return writeDocs();
      case "differences":
        return differencesCommand(rest);
      case "fleet":
        return await fleetCommand(rest);
      case "bench":
        return await benchCommand(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`pullcheck: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`pullcheck: bad input\n${error.message}`);
      return 2;
    }
    if (error instanceof EnvironmentError) {
      console.error(`pullcheck: environment problem\n${error.message}`);
      return 1;
    }
    console.error(`pullcheck: ${errorMessage(error)}`);
    return 1;
  }
}

function parseRunOptions(args: string[]): { config: RunConfig; report: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        policy: { type: "string", multiple: true },
        policies: { type: "string", multiple: true },
        backend: { type: "string", multiple: true },
        scenario: { type: "string", multiple: true },
        retain: { type: "boolean" },
        parallel: { type: "string" },
        containers: { type: "boolean" },
        "registry-image": { type: "string" },
        "toxiproxy-image": { type: "string" },
        "gate-image": { type: "string" },
        "node-image": { type: "string" },
        "kind-policies": { type: "string" },
        "kind-workers": { type: "string" },
        report: { type: "boolean" },
        output: { type: "string" },
        "kubelet-version": { type: "string" },
      },
    });
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: "run pullcheck help" }]);
  }
  const { values, positionals } = parsed;
  const defaults = defaultRunConfig();
  const backends = values.backend ?? ["sim"];
  if (!backends.includes("kind") && [values["node-image"], values["kind-policies"], values["kind-workers"]].some((v) => v !== undefined)) {
    throw new InputError([
      { path: "--node-image/--kind-policies/--kind-workers", message: "these apply to the kind backend only", hint: "add --backend kind" },
    ]);
  }
  const workers = values["kind-workers"] === undefined ? DEFAULT_KIND_WORKERS : Number(values["kind-workers"]);
  if (!Number.isInteger(workers) || workers < 0 || workers > 8) {
    throw new InputError([
      { path: "--kind-workers", message: `"${values["kind-workers"]}" is not a number of worker nodes between 0 and 8`, hint: "e.g. --kind-workers 3" },
    ]);
  }
  const version = values["kubelet-version"] ?? "1.35";
  if (!(KUBELET_VERSIONS as readonly string[]).includes(version)) {
    throw new InputError([
      { path: "--kubelet-version", message: `kubelet version ${version} is not modelled`, hint: `choose one of ${KUBELET_VERSIONS.join(", ")}` },
    ]);
  }
  const parallel = values.parallel === undefined ? defaults.parallel : Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 32) {
    throw new InputError([
      {
        path: "--parallel",
        message: `"${values.parallel}" is not a number of tests between 1 and 32`,
        hint: "e.g. --parallel 4 (each test at once needs its own registry and Toxiproxy)",
      },
    ]);
  }
  const imageFlags = [values["registry-image"], values["toxiproxy-image"], values["gate-image"]];
  const inContainers = values.containers || backends.some((b) => b !== "sim");
  if (!inContainers && imageFlags.some((v) => v !== undefined)) {
    throw new InputError([
      {
        path: "--registry-image/--toxiproxy-image/--gate-image",
        message: "images only apply in container mode",
        hint: "add --containers, or use --backend sim-containers or kind",
      },
    ]);
  }
  const containerImages = {
    registry: values["registry-image"] ?? DEFAULT_CONTAINER_IMAGES.registry,
    toxiproxy: values["toxiproxy-image"] ?? DEFAULT_CONTAINER_IMAGES.toxiproxy,
    gate: values["gate-image"] ?? DEFAULT_CONTAINER_IMAGES.gate,
  };
  const containers = values.containers ? { images: containerImages } : undefined;
  const kind = backends.includes("kind") ? kindRunOptions(values["node-image"] ?? DEFAULT_NODE_IMAGE, values["kind-policies"], workers) : undefined;
  const config: RunConfig = {
    ...defaults,
    // A kind cluster runs one test at a time per test node; so does everything else in a run that has one.
    parallel: kind ? Math.max(1, workers) : parallel,
    ...(kind ? { kind } : {}),
    ...(containers ? { containers } : {}),
    containerImages,
    scenarioPaths: positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaults.scenarioPaths,
    policies: values.policy ?? [],
    policyFiles: (values.policies ?? []).map((p) => resolve(p)),
    backends,
    scenarioGlobs: values.scenario ?? [],
    retain: values.retain ?? false,
    kubeletVersion: version as RunConfig["kubeletVersion"],
    ...(values.output ? { resultsDir: resolve(values.output, "results"), allureResultsDir: resolve(values.output, "allure-results") } : {}),
  };
  return { config, report: values.report ?? false };
}

async function run(args: string[]): Promise<number> {
  const { config, report } = parseRunOptions(args);
  if (loadCatalogue(config).plan.length === 0) {
    const what = config.scenarioGlobs.length > 0 ? config.scenarioGlobs.join(", ") : "the given paths";
    throw new InputError([{ path: "--scenario", message: `no planned test matches ${what}`, hint: "see pullcheck list" }]);
  }
  const code = await runTests(config);
  if (report) await buildReport();
  return code;
}

function list(args: string[]): number {
  const { config } = parseRunOptions(args);
  for (const test of loadCatalogue(config).plan) console.log(test.name);
  return 0;
}

function validate(args: string[]): number {
  const { config } = parseRunOptions(args);
  if (args.filter((a) => !a.startsWith("--")).length === 0) throw new InputError([{ message: "validate needs at least one scenario file or folder" }]);
  const { scenarios } = loadCatalogue(config);
  console.log(`${scenarios.length} scenario file${scenarios.length === 1 ? "" : "s"} valid`);
  return 0;
}
