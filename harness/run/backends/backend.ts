/**
 * A backend is a kind of node under test (the simulated kubelet, a real kubelet in kind, …) and
 * everything its tests share. The run loop knows backends only through this descriptor; a new one
 * is one file and one line in `index.ts`.
 *
 * Per test, the loop resets the world's environment (empty registry, no faults, an empty access
 * log) and asks `createNode` for a fresh node: a backend resets its own node state there.
 */
import type { PolicyDefinition } from "../../policy/policy-definition.js";
import type { PlannedTest } from "../planned-test.js";
import type { RunConfig } from "../run-config.js";
import type { StartedRunWorld } from "../run-world.js";

export interface Backend {
  name: string;
  /** One line for `--help` and the docs. */
  description: string;
  /** Tests of this backend that run at once, each in a world of its own. */
  concurrency(config: RunConfig): number;
  /** A test's real-time limit when the vitest default is too short (a real kubelet on the real clock, a loaded machine). */
  testTimeoutMs?: number;
  /**
   * Real time the test must at least take on this backend (a real kubelet waits out `wait` and
   * `stays` on the real clock); the run starts the longest first, so one of them does not run
   * alone at the end. Absent: the backend's time is virtual.
   */
  realTimeMs?(test: PlannedTest): number;
  /** The kubelet release (major.minor) its nodes run, when known: a scenario whose expectations hold for other releases is skipped. */
  kubeletRelease(config: RunConfig): string | undefined;
  /** Why this backend cannot run the test (e.g. a policy its kubelet does not know); undefined when it can. */
  cannotRun(test: PlannedTest, config: RunConfig): string | undefined;
  /** Starts one world: its environment and node factory. Closing the world stops them. */
  start(policies: PolicyDefinition[], config: RunConfig): Promise<StartedRunWorld>;
}
