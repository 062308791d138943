/**
 * Everything a run needs to know before it starts: the policies (built-in, plus user files), the
 * scenarios (validated against those policies and the fixture variants), and the plan.
 * Bad input fails here, as one InputError, before anything is started.
 */
import { InputError } from "../support/errors.js";
import { builtinPolicies, loadPolicyFiles } from "../policy/load-policies.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { FIXTURE_VARIANTS } from "../registry/fixtures/catalog.js";
import { loadScenarioFiles } from "../scenario/load.js";
import type { Scenario } from "../scenario/types.js";
import type { RunConfig } from "./run-config.js";

export interface PlannedTest {
  /** The vitest test name: filterable with -t. */
  name: string;
  scenario: Scenario;
  policy: PolicyDefinition;
  backend: string;
}

export interface Catalogue {
  policies: PolicyDefinition[];
  scenarios: Scenario[];
  plan: PlannedTest[];
}

export function loadCatalogue(config: RunConfig): Catalogue {
  const policies = [...builtinPolicies(), ...loadPolicyFiles(config.policyFiles)];
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
  const selected = config.policies.length > 0 ? policies.filter((p) => config.policies.includes(p.name)) : policies;
  const plan: PlannedTest[] = [];
  for (const scenario of scenarios) {
    for (const policy of selected) {
      if (scenario.policies && !scenario.policies.includes(policy.name)) continue;
      for (const backend of config.backends) {
        plan.push({ name: `${scenario.id} [${policy.name}]${config.backends.length > 1 ? ` (${backend})` : ""}`, scenario, policy, backend });
      }
    }
  }
  return { policies, scenarios, plan };
}
