/** One test of a run: a scenario under a policy on a backend. */
import type { PolicyDefinition } from "../policy/policy-definition.js";
import type { Scenario } from "../scenario/scenario.js";

export interface PlannedTest {
  /** The vitest test name: filterable with -t. */
  name: string;
  scenario: Scenario;
  policy: PolicyDefinition;
  backend: string;
}
