/**
 * What every test of a run shares: the environment (started once, reset per test), the fixture
 * images, the policies, and how to make a node under test. Built once per test file.
 */
import type { Clock } from "../support/clock.js";
import type { Observation } from "../observe/observation.js";
import type { Timeline } from "../observe/timeline.js";
import type { PolicyDefinition } from "../policy/policy-definition.js";
import type { NodeUnderTest } from "../node/node-under-test.js";
import type { FixtureImage } from "../fixture-images/types.js";
import type { Scenario } from "../scenario/scenario.js";
import type { FaultSpec } from "../scenario/faults/index.js";

export interface NodeOptions {
  clock: Clock;
  timeline: Timeline;
  scenario: Scenario;
  policies: Map<string, PolicyDefinition>;
  /** The policy under test. */
  policy: string;
}

/** What the runner reads of any backend's registry access log entry; the rest is the world's to translate. */
export interface RequestLogEntry {
  bytes: number;
  durationMs: number;
}

/** The slice of a started environment the runner uses. */
export interface RunEnvironment {
  reset(): Promise<void>;
  requests(): readonly RequestLogEntry[];
  /** Resolves once requests() holds every request answered so far (a gate in a container reports late). */
  flushRequests(): Promise<void>;
  admin: {
    pushImage(repo: string, tag: string, fixture: FixtureImage): Promise<void>;
    untag(repo: string, tag: string): Promise<void>;
    backup(name: string): Promise<void>;
    restore(name: string): Promise<void>;
    grant(user: string, password: string): Promise<void>;
    revoke(user: string): Promise<void>;
  };
  faults: {
    apply(fault: FaultSpec): Promise<void>;
    heal(): Promise<void>;
  };
}

export interface RunWorld {
  environment: RunEnvironment;
  policies: Map<string, PolicyDefinition>;
  knownDigests: Set<string>;
  fixture(variant: string): FixtureImage;
  digestOf(variant: string): string;
  variantOf(digest: string): string | undefined;
  /** The pull policy a pod ends up with (API server defaulting when empty). */
  effectivePolicy(image: string, imagePullPolicy: string | undefined): string;
  /** The clock of one test: virtual for the simulation, real for a real kubelet. */
  newClock(): Clock;
  createNode(options: NodeOptions): Promise<NodeUnderTest>;
  toRequestObservation(entry: unknown, now: number): Extract<Observation, { kind: "request" }>;
}

/** A world as a backend starts it: what tests use, plus how the run stops it and what it can report. */
export interface StartedRunWorld extends RunWorld {
  /** Where a real node's logs can be saved for a failed test's report (kind: `kind export logs`). */
  exportLogs?(target: string): Promise<void>;
  close(): Promise<void>;
}
