/**
 * pullcheck CLI. The one place that prints errors and picks exit codes:
 * 0 all passed, 1 an outcome differed (or a run broke), 2 bad input.
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { EnvironmentError, InputError, errorMessage } from "../support/errors.js";
import { REPO_ROOT, defaultRunConfig, type RunConfig } from "../run/run-config.js";
import { loadCatalogue } from "../run/catalogue.js";
import { runTests } from "./run-tests.js";
import { buildReport, writePolicyDocs } from "./build-report.js";
import { fleetCommand } from "./fleet-command.js";
import { DEFAULT_CONTAINER_IMAGES } from "../environment/container-parts.js";
import type { KindRunOptions } from "../run/start-kind-world.js";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { benchCommand } from "./bench-command.js";
import { KUBELET_VERSIONS } from "../node/sim/kubelet/kubelet-version.js";

/**
 * The node image used when --node-image is not given: Kubernetes 1.35, the release the simulation
 * models, as kind v0.31.0 published it (its default image, pkg/apis/config/defaults/image.go at
 * that tag), pinned by digest. The pinned kind (v0.33.0) defaults to v1.37.0; whether it runs this
 * older image was not checked here (no image can be pulled on the machines this was written on).
 */
export const DEFAULT_NODE_IMAGE = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

const USAGE = `usage: pullcheck <command> [options]

commands:
  run [PATH…]        run scenario files or folders (default: scenarios/)
  list [PATH…]       list the planned tests (scenario × policy × backend)
  validate PATH…     check scenario files only; exit 2 on any error
  report             build the HTML report and reports/matrix.md from the last run
  docs               regenerate docs/policies.md from the policies and the last run's results
  fleet              a restart storm of N simulated nodes: registry load per policy (fleet --help)
  bench              measure suite time, pull throughput and fleets into reports/bench.* (bench --help)

options (run, list):
  --policy NAME      only this policy (repeatable)
  --policies FILE    extra policy definitions (repeatable)
  --backend NAME     sim (default) or kind (real kubelets; repeatable: both give one matrix)
  --node-image IMG   kind node image (default ${DEFAULT_NODE_IMAGE}); a kubelet fork's image works too
  --kind-policies P  comma-separated proposed policies the node image's kubelet knows (default: its
                     label dev.pullcheck.policies)
  --scenario GLOB    only scenarios whose name matches (e.g. 'outage/*')
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
        return writePolicyDocs();
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

function parseRunOptions(args: string[]): { config: RunConfig; scenarioGlob: string | undefined; report: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        policy: { type: "string", multiple: true },
        policies: { type: "string", multiple: true },
        backend: { type: "string", multiple: true },
        scenario: { type: "string" },
        retain: { type: "boolean" },
        parallel: { type: "string" },
        containers: { type: "boolean" },
        "registry-image": { type: "string" },
        "toxiproxy-image": { type: "string" },
        "gate-image": { type: "string" },
        "node-image": { type: "string" },
        "kind-policies": { type: "string" },
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
  for (const backend of backends) {
    if (backend !== "sim" && backend !== "kind") throw new InputError([{ path: "--backend", message: `unknown backend ${backend}`, hint: "sim or kind" }]);
  }
  if (!backends.includes("kind") && (values["node-image"] !== undefined || values["kind-policies"] !== undefined)) {
    throw new InputError([{ path: "--node-image/--kind-policies", message: "these apply to the kind backend only", hint: "add --backend kind" }]);
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
  if (!values.containers && imageFlags.some((v) => v !== undefined)) {
    throw new InputError([
      { path: "--registry-image/--toxiproxy-image/--gate-image", message: "images only apply in container mode", hint: "add --containers" },
    ]);
  }
  const containers = values.containers
    ? {
        images: {
          registry: values["registry-image"] ?? DEFAULT_CONTAINER_IMAGES.registry,
          toxiproxy: values["toxiproxy-image"] ?? DEFAULT_CONTAINER_IMAGES.toxiproxy,
          gate: values["gate-image"] ?? DEFAULT_CONTAINER_IMAGES.gate,
        },
      }
    : undefined;
  const kind = backends.includes("kind") ? kindOptions(values["node-image"] ?? DEFAULT_NODE_IMAGE, values["kind-policies"]) : undefined;
  const config: RunConfig = {
    ...defaults,
    // A kind cluster runs one test at a time; so does everything else in a run that has one.
    parallel: kind ? 1 : parallel,
    ...(kind ? { kind } : {}),
    ...(containers ? { containers } : {}),
    scenarioPaths: positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaults.scenarioPaths,
    policies: values.policy ?? [],
    policyFiles: (values.policies ?? []).map((p) => resolve(p)),
    backends,
    retain: values.retain ?? false,
    kubeletVersion: version as RunConfig["kubeletVersion"],
    ...(values.output ? { resultsDir: resolve(values.output, "results"), allureResultsDir: resolve(values.output, "allure-results") } : {}),
  };
  return { config, scenarioGlob: values.scenario, report: values.report ?? false };
}

async function run(args: string[]): Promise<number> {
  const { config, scenarioGlob, report } = parseRunOptions(args);
  const catalogue = loadCatalogue(config);
  const selected = scenarioGlob ? catalogue.plan.filter((t) => globMatch(scenarioGlob, t.scenario.id)) : catalogue.plan;
  if (selected.length === 0)
    throw new InputError([{ path: "--scenario", message: `no planned test matches ${scenarioGlob ?? "the given paths"}`, hint: "see pullcheck list" }]);
  const code = await runTests({ ...config, ...(scenarioGlob ? { scenarioGlob } : {}) });
  if (report) await buildReport();
  return code;
}

function list(args: string[]): number {
  const { config, scenarioGlob } = parseRunOptions(args);
  const { plan } = loadCatalogue(config);
  for (const test of plan) if (!scenarioGlob || globMatch(scenarioGlob, test.scenario.id)) console.log(test.name);
  return 0;
}

function validate(args: string[]): number {
  const { config } = parseRunOptions(args);
  if (args.filter((a) => !a.startsWith("--")).length === 0) throw new InputError([{ message: "validate needs at least one scenario file or folder" }]);
  const { scenarios } = loadCatalogue(config);
  console.log(`${scenarios.length} scenario file${scenarios.length === 1 ? "" : "s"} valid`);
  return 0;
}

/** The kind backend's options; fails early (exit 1, with the fix) when kind or Docker is missing. */
function kindOptions(nodeImage: string, policiesFlag: string | undefined): KindRunOptions {
  const kindBinary = join(REPO_ROOT, ".tools", "bin", "kind");
  if (!existsSync(kindBinary))
    throw new EnvironmentError(`the kind backend needs the kind CLI at ${kindBinary}`, "run `make setup-kind` (it installs the pinned kind with go install)");
  let declared = "";
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore" });
    declared = execFileSync("docker", ["image", "inspect", "--format", '{{index .Config.Labels "dev.pullcheck.policies"}}', nodeImage], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    // No engine: kind will say so when it creates the cluster. No local image: kind pulls it.
  }
  const list = (policiesFlag ?? (declared === "<no value>" ? "" : declared))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return { nodeImage, clusterName: `pullcheck-${process.pid}`, supportedPolicies: list };
}

export function globMatch(glob: string, name: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*/g, "\u0000")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, ".")
    .replace(/\u0000/g, ".*");
  return new RegExp(`^${pattern}$`).test(name);
}
