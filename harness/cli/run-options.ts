/** The flags of `run`, `list` and `validate`, and what they become: a RunConfig. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { resolve } from "node:path";
import { InputError, errorMessage } from "../support/errors.js";
import { defaultRunConfig, type RunConfig } from "../run/run-config.js";
import { DEFAULT_CONTAINER_IMAGES } from "../environment/start-as-containers.js";
import { DEFAULT_KIND_WORKERS, DEFAULT_NODE_IMAGE, kindRunOptions } from "../run/backends/kind.js";
import { BACKENDS } from "../run/backends/index.js";
import { DEFAULT_KUBELET_VERSION, KUBELET_VERSIONS, modelledRelease } from "../node/sim/kubelet/kubelet-version.js";
import { EXIT_CODES_HELP } from "./exit-codes.js";

export type RunCommand = "run" | "list" | "validate";

const SELECTION_HELP = `  --policy NAME      only this policy (repeatable)
  --policies FILE    extra policy definitions (repeatable)
  --backend NAME     ${BACKENDS.map((b) => b.name).join(", ")} (default sim; repeatable: one matrix, a column per backend)
  --scenario GLOB    only scenarios whose name matches (e.g. 'outage/*'; repeatable)`;

const RUN_HELP = `  --node-image IMG   kind node image (default ${DEFAULT_NODE_IMAGE}); a kubelet fork's image works too
  --kind-policies P  comma-separated proposed policies the node image's kubelet knows (default: its
                     label dev.pullcheck.policies)
  --kind-workers N   kind worker nodes, one test at a time on each (default ${DEFAULT_KIND_WORKERS}; 0: one node
                     that is also the control plane)
  --retain           keep the environment running afterwards and print where it is
  --parallel N       tests at once, each with its own registry and Toxiproxy (default 4)
  --containers       registry, Toxiproxy and gate as containers (needs a Docker engine; make images)
  --registry-image I, --toxiproxy-image I, --gate-image I
                     images for --containers (defaults: registry:3, ghcr.io/shopify/toxiproxy:2.12.0,
                     pullcheck-gate:local)
  --kubelet-version V  reproduce kubelet 1.37 (default; beside --backend kind, the node image's
                     release), 1.36, 1.35 (KEP-2535 names images normalized, tag included),
                     1.34 (KEP-2535 off) or 1.31 (no precheck)
  --kubelet-calls DIR  the simulation writes each test's calls into the kubelet's image path, and
                     its runtime's answers, to DIR (upstream policies only): make test puts them
                     to the kubelet's own code (docs/oracle.md, "The catalogue")
  --output DIR       write results to DIR/results and DIR/allure-results instead of the repository's
                     reports/results and allure-results; both are emptied first
  --report           build the report after the run (from the same folders; see pullcheck report --help)
  --junit FILE       also write a JUnit XML report of the tests to FILE
  -o, --format F     text (default) or json: a summary of the results on stdout, progress on stderr
                     (schema: docs/cli.md)`;

export const RUN_USAGE: Record<RunCommand, string> = {
  run: `usage: pullcheck run [PATH…] [options]

Runs scenario files or folders (default: scenarios/) under every policy. Without a terminal (CI, a
pipe) it prints one line per test as it ends, then passed/failed/skipped/broken per backend.

${SELECTION_HELP}
${RUN_HELP}

${EXIT_CODES_HELP}`,
  list: `usage: pullcheck list [PATH…] [options]

Lists the planned tests (scenario × policy × backend) without running them.

${SELECTION_HELP}
  -o, --format F     text (default: one test name a line) or json (schema: docs/cli.md)
It also takes run's flags (see pullcheck run --help), so that a run's command line lists its tests.

exit codes: 0 listed, 2 bad input`,
  validate: `usage: pullcheck validate PATH… [options]

Checks scenario files (and policy files) only: every problem with its file, field and a hint.

${SELECTION_HELP}

exit codes: 0 valid, 2 any problem`,
};

type Options = NonNullable<ParseArgsConfig["options"]>;
const SELECTION: Options = {
  policy: { type: "string", multiple: true },
  policies: { type: "string", multiple: true },
  backend: { type: "string", multiple: true },
  scenario: { type: "string", multiple: true },
};
const RUN_ONLY: Options = {
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
  "kubelet-calls": { type: "string" },
  junit: { type: "string" },
};
const FORMAT: Options = { format: { type: "string", short: "o" } };
const OPTIONS: Record<RunCommand, Options> = {
  run: { ...SELECTION, ...RUN_ONLY, ...FORMAT },
  // list takes run's flags too, so that a run's command line lists what it would run.
  list: { ...SELECTION, ...Object.fromEntries(Object.entries(RUN_ONLY).filter(([name]) => name !== "junit")), ...FORMAT },
  validate: SELECTION,
};

export interface RunOptions {
  config: RunConfig;
  report: boolean;
  format: "text" | "json";
  junitFile?: string;
  /** The folder --output named, when it did. */
  output?: string;
  /** The scenario files or folders given (none: scenarios/). */
  paths: string[];
}

export function parseRunOptions(command: RunCommand, args: string[]): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS[command] });
  } catch (error) {
    throw new InputError([{ message: errorMessage(error), hint: `see pullcheck ${command} --help` }]);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const { positionals } = parsed;
  const defaults = defaultRunConfig();
  const format = text("format") ?? "text";
  if (format !== "text" && format !== "json") throw new InputError([{ path: "--format", message: `unknown format ${format}`, hint: "text or json" }]);
  const backends = list("backend").length > 0 ? list("backend") : ["sim"];
  const kubeletCalls = text("kubelet-calls");
  if (kubeletCalls !== undefined && !backends.some((b) => b.startsWith("sim")))
    throw new InputError([{ path: "--kubelet-calls", message: "only the simulation logs its kubelet's calls", hint: "add --backend sim (or sim-containers)" }]);
  if (!backends.includes("kind") && [text("node-image"), text("kind-policies"), text("kind-workers")].some((v) => v !== undefined)) {
    throw new InputError([
      { path: "--node-image/--kind-policies/--kind-workers", message: "these apply to the kind backend only", hint: "add --backend kind" },
    ]);
  }
  const workers = wholeNumberFlag("--kind-workers", text("kind-workers"), DEFAULT_KIND_WORKERS, [0, 8], "a number of worker nodes", "e.g. --kind-workers 3");
  const kind = backends.includes("kind") ? kindRunOptions(text("node-image") ?? DEFAULT_NODE_IMAGE, text("kind-policies"), workers) : undefined;
  // Beside a real kubelet, the simulation reproduces the release of its node image.
  const version = text("kubelet-version") ?? modelledRelease(kind?.kubernetesVersion) ?? DEFAULT_KUBELET_VERSION;
  if (!(KUBELET_VERSIONS as readonly string[]).includes(version)) {
    throw new InputError([
      { path: "--kubelet-version", message: `kubelet version ${version} is not modelled`, hint: `choose one of ${KUBELET_VERSIONS.join(", ")}` },
    ]);
  }
  const parallel = wholeNumberFlag(
    "--parallel",
    text("parallel"),
    defaults.parallel,
    [1, 32],
    "a number of tests",
    "e.g. --parallel 4 (each test at once needs its own registry and Toxiproxy)",
  );
  const imageFlags = [text("registry-image"), text("toxiproxy-image"), text("gate-image")];
  const inContainers = values.containers === true || backends.some((b) => b !== "sim");
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
    registry: text("registry-image") ?? DEFAULT_CONTAINER_IMAGES.registry,
    toxiproxy: text("toxiproxy-image") ?? DEFAULT_CONTAINER_IMAGES.toxiproxy,
    gate: text("gate-image") ?? DEFAULT_CONTAINER_IMAGES.gate,
  };
  const containers = values.containers === true ? { images: containerImages } : undefined;
  const output = text("output") === undefined ? undefined : resolve(text("output")!);
  const config: RunConfig = {
    ...defaults,
    // A kind cluster runs one test at a time per test node; so does everything else in a run that has one.
    parallel: kind ? Math.max(1, workers) : parallel,
    ...(kind ? { kind } : {}),
    ...(containers ? { containers } : {}),
    containerImages,
    scenarioPaths: positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaults.scenarioPaths,
    policies: list("policy"),
    policyFiles: list("policies").map((p) => resolve(p)),
    backends,
    scenarioGlobs: list("scenario"),
    retain: values.retain === true,
    kubeletVersion: version as RunConfig["kubeletVersion"],
    ...(kubeletCalls !== undefined ? { kubeletCallsDir: resolve(kubeletCalls) } : {}),
    ...(output ? { resultsDir: resolve(output, "results"), allureResultsDir: resolve(output, "allure-results") } : {}),
  };
  const junit = text("junit");
  return { config, paths: positionals, report: values.report === true, format, ...(junit ? { junitFile: resolve(junit) } : {}), ...(output ? { output } : {}) };
}

/** A flag's whole number, written in digits only (not 1e1, 0x4 or 4.0). */
function wholeNumberFlag(flag: string, value: string | undefined, fallback: number, [min, max]: [number, number], what: string, hint: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (/^\d+$/.test(value) && n >= min && n <= max) return n;
  throw new InputError([{ path: flag, message: `"${value}" is not ${what} between ${min} and ${max}, written in digits`, hint }]);
}
