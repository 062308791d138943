/**
 * Loads pullcheck/v1alpha1 scenario files (files or folders, recursively, sorted) and validates
 * them strictly, collecting every problem of every file before anything runs.
 */
import { relative } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { InputProblem } from "../support/errors.js";
import { findYamlFiles, readInputFile, yamlSyntaxProblems, yamlValue } from "../support/input-files.js";
import { Checker, describe } from "./checker.js";
import { parseRegistryImages } from "./parse-images.js";
import { parseStep, type Step, type StepState } from "./steps/index.js";
import type { NodeConfig } from "./types.js";
import type { ValidationContext } from "./scenario.js";
import type { Scenario } from "./scenario.js";

const TOP = ["apiVersion", "kind", "metadata", "spec"] as const;
const METADATA = ["name", "title", "description", "source", "tags"] as const;
const SPEC = ["policies", "kubeletVersions", "registry", "node", "steps"] as const;
export const CREDENTIAL_POLICIES = ["NeverVerify", "NeverVerifyPreloadedImages", "NeverVerifyAllowlistedImages", "AlwaysVerify"] as const;
const NODE_CONFIG = [
  "serializeImagePulls",
  "maxParallelImagePulls",
  "registryPullQPS",
  "registryBurst",
  "imagePullCredentialsVerificationPolicy",
  "preloadedImagesVerificationAllowlist",
  "featureGates",
] as const;

export function loadScenarioFiles(paths: string[], context: ValidationContext): { scenarios: Scenario[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const scenarios: Scenario[] = [];
  for (const file of findYamlFiles(paths, "scenario", problems)) {
    const scenario = loadScenarioFile(file, context, problems);
    if (scenario) scenarios.push(scenario);
  }
  const byId = new Map<string, string>();
  for (const scenario of scenarios) {
    const other = byId.get(scenario.id);
    if (other)
      problems.push({
        file: scenario.file,
        path: "metadata.name",
        message: `scenario name ${scenario.id} is also used by ${other}`,
        hint: "give each scenario a unique metadata.name",
      });
    byId.set(scenario.id, scenario.file);
  }
  return { scenarios, problems };
}

export function loadScenarioFile(file: string, context: ValidationContext, problems: InputProblem[]): Scenario | undefined {
  const before = problems.length;
  const lines = new LineCounter();
  const yamlText = readInputFile(file, "scenario", problems);
  if (yamlText === undefined) return undefined;
  const doc = parseDocument(yamlText, { lineCounter: lines, uniqueKeys: false });
  const syntaxProblems = yamlSyntaxProblems(doc, lines, file);
  problems.push(...syntaxProblems);
  if (syntaxProblems.length > 0) return undefined;
  const value = yamlValue(doc, file, problems);
  if (value === undefined) return undefined;
  const check = new Checker(file, doc, lines, problems);
  const scenario = checkScenario(value, file, context, check);
  check.finish();
  return problems.length > before ? undefined : scenario;
}

function checkScenario(value: unknown, file: string, context: ValidationContext, check: Checker): Scenario | undefined {
  const top = check.mapping(value, [], TOP, "a scenario file");
  if (!top) return undefined;
  if (top.apiVersion !== "pullcheck/v1alpha1")
    check.problem(
      ["apiVersion"],
      `apiVersion must be pullcheck/v1alpha1, not ${describe(top.apiVersion)}`,
      "this version of pullcheck reads pullcheck/v1alpha1",
    );
  if (top.kind !== "Scenario") check.problem(["kind"], `kind must be Scenario, not ${describe(top.kind)}`, "write kind: Scenario");
  const metadata = top.metadata === undefined ? {} : check.mapping(top.metadata, ["metadata"], METADATA, "metadata");
  const spec = check.mapping(top.spec, ["spec"], SPEC, "spec");
  if (!spec || !metadata) return undefined;
  const text = (key: (typeof METADATA)[number]) =>
    metadata[key] === undefined ? undefined : check.string(metadata[key], ["metadata", key], `metadata.${key}`);
  const tags = metadata.tags === undefined ? undefined : check.stringList(metadata.tags, ["metadata", "tags"], "metadata.tags");

  let policies: string[] | undefined;
  if (spec.policies !== undefined) {
    policies = check.stringList(spec.policies, ["spec", "policies"], "spec.policies");
    policies?.forEach((name, i) => {
      if (!context.knownPolicies.includes(name))
        check.problem(["spec", "policies", i], `unknown policy "${name}"`, `policies: ${context.knownPolicies.join(", ")}`);
    });
  }
  let kubeletVersions: string[] | undefined;
  if (spec.kubeletVersions !== undefined) {
    kubeletVersions = check.stringList(spec.kubeletVersions, ["spec", "kubeletVersions"], "spec.kubeletVersions");
    kubeletVersions?.forEach((release, i) => {
      if (!/^1\.\d+$/.test(release))
        check.problem(["spec", "kubeletVersions", i], `"${release}" is not a Kubernetes release`, 'write a release as major.minor in quotes, e.g. "1.35"');
    });
  }
  const registry = spec.registry === undefined ? {} : check.mapping(spec.registry, ["spec", "registry"], ["users", "images"], "spec.registry");
  const users: Record<string, string> = {};
  if (registry?.users !== undefined) {
    const given = check.mapping(
      registry.users,
      ["spec", "registry", "users"],
      Object.keys(typeof registry.users === "object" && registry.users ? registry.users : {}),
      "users",
    );
    for (const [user, password] of Object.entries(given ?? {})) {
      check.userName(user, ["spec", "registry", "users", user]);
      const text = check.string(typeof password === "number" ? String(password) : password, ["spec", "registry", "users", user], `password of ${user}`);
      if (text) users[user] = text;
    }
  }
  const images =
    registry?.images === undefined ? [] : (parseRegistryImages(registry.images, ["spec", "registry", "images"], check, context.knownVariants) ?? []);
  const node = spec.node === undefined ? {} : check.mapping(spec.node, ["spec", "node"], ["preloaded", "config"], "spec.node");
  const preloaded = node?.preloaded === undefined ? [] : (check.stringList(node.preloaded, ["spec", "node", "preloaded"], "preloaded") ?? []);
  preloaded.forEach((name, i) => {
    if (!images.some((image) => `${image.repo}:${image.tag}` === name))
      check.problem(
        ["spec", "node", "preloaded", i],
        `${name} is not one of spec.registry.images`,
        "preloaded images come from the scenario's registry images",
      );
  });
  const config = node?.config === undefined ? {} : parseNodeConfig(node.config, check);

  if (!Array.isArray(spec.steps) || spec.steps.length === 0) {
    check.problem(
      ["spec", "steps"],
      Array.isArray(spec.steps) ? "a scenario needs at least one step" : `spec.steps must be a list of steps, not ${describe(spec.steps)}`,
      "add steps such as - run: {pod: p, image: app:latest}",
    );
  }
  const state: StepState = {
    livePods: new Set(),
    createdPods: new Set(),
    backups: new Set(),
    users: new Set(Object.keys(users)),
    everUsers: new Set(Object.keys(users)),
    knownPolicies: context.knownPolicies,
    knownVariants: context.knownVariants,
  };
  const steps: Step[] = [];
  (Array.isArray(spec.steps) ? spec.steps : []).forEach((raw, i) => {
    const step = parseStep(raw, ["spec", "steps", i], check, state);
    if (step) steps.push(step);
  });
  const name = text("name");
  const id = name ?? relative(context.scenariosRoot ?? process.cwd(), file).replace(/\.ya?ml$/, "");
  const title = text("title");
  const description = text("description");
  const source = text("source");
  return {
    file,
    id: id.startsWith("..") ? file.replace(/^.*\//, "").replace(/\.ya?ml$/, "") : id,
    ...(title ? { title } : {}),
    ...(description ? { description: description.trim() } : {}),
    ...(source ? { source } : {}),
    ...(tags ? { tags } : {}),
    ...(policies ? { policies } : {}),
    ...(kubeletVersions ? { kubeletVersions } : {}),
    registry: { users, images },
    node: { preloaded, config },
    steps,
  };
}

function parseNodeConfig(value: unknown, check: Checker): NodeConfig {
  const path = ["spec", "node", "config"];
  const raw = check.mapping(value, path, NODE_CONFIG, "spec.node.config");
  const config: NodeConfig = {};
  if (!raw) return config;
  if (raw.serializeImagePulls !== undefined) {
    if (typeof raw.serializeImagePulls === "boolean") config.serializeImagePulls = raw.serializeImagePulls;
    else check.problem([...path, "serializeImagePulls"], `must be true or false, not ${describe(raw.serializeImagePulls)}`, "write true or false");
  }
  for (const [key, min] of [
    ["maxParallelImagePulls", 1],
    ["registryBurst", 0],
  ] as const) {
    if (raw[key] !== undefined) {
      const n = check.wholeNumber(raw[key], [...path, key], key, min);
      if (n !== undefined) config[key] = n;
    }
  }
  if (raw.registryPullQPS !== undefined) {
    if (typeof raw.registryPullQPS === "number" && raw.registryPullQPS >= 0) config.registryPullQPS = raw.registryPullQPS;
    else
      check.problem([...path, "registryPullQPS"], `must be a number ≥ 0, not ${describe(raw.registryPullQPS)}`, "0 means no limit; the kubelet's default is 5");
  }
  if (raw.imagePullCredentialsVerificationPolicy !== undefined) {
    const policy = check.oneOf(
      raw.imagePullCredentialsVerificationPolicy,
      [...path, "imagePullCredentialsVerificationPolicy"],
      CREDENTIAL_POLICIES,
      "imagePullCredentialsVerificationPolicy",
    );
    if (policy) config.imagePullCredentialsVerificationPolicy = policy;
  }
  if (raw.preloadedImagesVerificationAllowlist !== undefined) {
    const list = check.stringList(
      raw.preloadedImagesVerificationAllowlist,
      [...path, "preloadedImagesVerificationAllowlist"],
      "preloadedImagesVerificationAllowlist",
    );
    if (list) config.preloadedImagesVerificationAllowlist = list;
  }
  if (raw.featureGates !== undefined) {
    const gates = check.mapping(
      raw.featureGates,
      [...path, "featureGates"],
      Object.keys(typeof raw.featureGates === "object" && raw.featureGates ? raw.featureGates : {}),
      "featureGates",
    );
    const out: Record<string, boolean> = {};
    for (const [gate, on] of Object.entries(gates ?? {})) {
      if (typeof on === "boolean") out[gate] = on;
      else check.problem([...path, "featureGates", gate], `must be true or false, not ${describe(on)}`, "write true or false");
    }
    config.featureGates = out;
  }
  return config;
}
