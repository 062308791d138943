/**
 * What one run covers. Read once, at the edge (the CLI writes it into PULLCHECK_RUN for the
 * vitest process; a plain `vitest run` gets the defaults: the whole catalogue on the simulation).
 */
import { resolve } from "node:path";
import { REPO_ROOT } from "../support/repo-root.js";
import { InputError } from "../support/errors.js";
import { DEFAULT_CONTAINER_IMAGES, type ContainerImages, type ContainerOptions } from "../environment/start-as-containers.js";
import type { KindRunOptions } from "./backends/kind-options.js";
import { DEFAULT_KUBELET_VERSION, type KubeletVersion } from "../node/sim/kubelet/kubelet-version.js";

export interface RunConfig {
  /** Scenario files or folders. */
  scenarioPaths: string[];
  /** Root that scenario names are relative to. */
  scenariosRoot: string;
  /** Only these policies (empty: every known policy). */
  policies: string[];
  /** Extra policy definition files. */
  policyFiles: string[];
  /** Backend names (run/backends): one column each in the matrix. */
  backends: string[];
  /** Kubelet release the simulation reproduces. */
  kubeletVersion: KubeletVersion;
  /** Only scenarios whose name matches one of these globs (none: every scenario). */
  scenarioGlobs: string[];
  /** Keep the environment running after the run and print where it is. */
  retain: boolean;
  /** The sim backend's registry, Toxiproxy and gate as containers (container mode); processes when absent. */
  containers?: ContainerOptions;
  /** The images of backends whose environment is always containers (sim-containers, kind). */
  containerImages: ContainerImages;
  /** The kind backend's cluster, when `backends` has kind. */
  kind?: KindRunOptions;
  /** Tests run at once, each with an environment of its own. */
  parallel: number;
  /** Where machine-readable results go (cells of the matrix). */
  resultsDir: string;
  /** Where the Allure results go. */
  allureResultsDir: string;
  /**
   * Where the sim backend writes each test's kubelet calls (node/sim/kubelet-call-log.ts), for the
   * upstream policies: the questions the catalogue asks the kubelet's image path.
   */
  kubeletCallsDir?: string;
  /** The repository's files on the web at this commit (CI), for the report's links; file: URLs when absent. */
  sourceBaseUrl?: string;
}

/** Most tests wait on real time (stalls, bandwidth limits), so more tests than cores fit at once. */
export const DEFAULT_PARALLEL = 4;

export function defaultRunConfig(): RunConfig {
  return {
    scenarioPaths: [resolve(REPO_ROOT, "scenarios")],
    scenariosRoot: resolve(REPO_ROOT, "scenarios"),
    policies: [],
    policyFiles: [],
    backends: ["sim"],
    scenarioGlobs: [],
    containerImages: DEFAULT_CONTAINER_IMAGES,
    kubeletVersion: DEFAULT_KUBELET_VERSION,
    retain: false,
    parallel: DEFAULT_PARALLEL,
    resultsDir: resolve(REPO_ROOT, "reports", "results"),
    allureResultsDir: resolve(REPO_ROOT, "allure-results"),
  };
}

export function readRunConfig(env: NodeJS.ProcessEnv): RunConfig {
  const text = env.PULLCHECK_RUN;
  const sourceBaseUrl = githubSourceUrl(env);
  if (!text) return { ...defaultRunConfig(), sourceBaseUrl };
  try {
    return { ...defaultRunConfig(), sourceBaseUrl, ...(JSON.parse(text) as Partial<RunConfig>) };
  } catch (error) {
    throw new InputError([{ message: `PULLCHECK_RUN is not valid JSON: ${(error as Error).message}`, hint: "run through the pullcheck CLI, which sets it" }]);
  }
}

/** On GitHub Actions: the web page of each file at the commit under test. */
function githubSourceUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  return server && repository && sha ? `${server}/${repository}/blob/${sha}/` : undefined;
}
