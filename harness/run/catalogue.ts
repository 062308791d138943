/**
 * Everything a run needs to know before it starts: the policies (built-in, plus user files), the
 * scenarios (validated against those policies and the fixture variants), and the plan: every
 * chosen scenario × policy × backend.
 * Bad input fails here, as one InputError, before anything is started.
 */
import { InputError } from "../support/errors.js";
import { globMatch } from "../support/glob.js";
import { BACKENDS, backendNamed } from "./backends/index.js";
import { policiesWith } from "../policy/load-policies.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { FIXTURE_VARIANTS } from "../fixture-images/catalog.js";
import { loadScenarioFiles } from "../scenario/load.js";
import type { Scenario } from "../scenario/scenario.js";
import type { RunConfig } from "./run-config.js";
import type { PlannedTest } from "./planned-test.js";

export interface Catalogue {
  policies: PolicyDefinition[];
  scenarios: Scenario[];
  plan: PlannedTest[];
}

export function loadCatalogue(config: RunConfig): Catalogue {
  const policies = policiesWith(config.policyFiles);
  const known = policies.map((p) => p.name);
  const unknown = config.policies.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((name) => ({
        path: "--policy",
        message: `unknown policy ${name}`,
        hint: `known policies: ${known.join(", ")}; add your own with --policies FILE`,
      })),
    );
  }
  const { scenarios, problems } = loadScenarioFiles(config.scenarioPaths, {
    knownPolicies: known,
    knownVariants: [...FIXTURE_VARIANTS],
    scenariosRoot: config.scenariosRoot,
  });
  if (problems.length > 0) throw new InputError(problems);
  for (const name of config.backends) {
    if (!backendNamed(name))
      throw new InputError([
        { path: "--backend", message: `unknown backend ${name}`, hint: `backends: ${BACKENDS.map((b) => `${b.name} (${b.description})`).join("; ")}` },
      ]);
  }
  const selected = config.policies.length > 0 ? policies.filter((p) => config.policies.includes(p.name)) : policies;
  const plan: PlannedTest[] = [];
  const chosen = (id: string) => config.scenarioGlobs.length === 0 || config.scenarioGlobs.some((glob) => globMatch(glob, id));
  for (const scenario of scenarios.filter((s) => chosen(s.id))) {
    for (const policy of selected) {
      if (scenario.policies && !scenario.policies.includes(policy.name)) continue;
      for (const backend of config.backends) {
        plan.push({ name: `${scenario.id} [${policy.name}]${config.backends.length > 1 ? ` (${backend})` : ""}`, scenario, policy, backend });
      }
    }
  }
  return { policies, scenarios, plan };
}
