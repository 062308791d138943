/**
 * What one kind of step is: how a scenario writes it (parse and validate, with what earlier
 * steps made known), how reports write it back, and what it does when a test runs it, through
 * the StepContext the runner gives it. One file per kind; `index.ts` lists them.
 */
import type { Clock } from "../../support/clock.js";
import type { JsonSchema } from "../../support/json-schema.js";
import type { Checker, Path } from "../checker.js";
import type { FaultSpec } from "../faults/index.js";
import type { Outcome, RegistryImage } from "../types.js";

/** What the steps before this one made known, for checks such as "a pod must exist to be deleted". */
export interface StepState {
  livePods: Set<string>;
  createdPods: Set<string>;
  backups: Set<string>;
  users: Set<string>;
  /** Users that were registry users at any earlier step (revoked ones included). */
  everUsers: Set<string>;
  knownPolicies: string[];
  knownVariants: string[];
}

export interface StepParse {
  /** The value under the step's key (`app:latest` of `untag: app:latest`). */
  body: unknown;
  /** The step's key path (`spec.steps[3].untag`). */
  path: Path;
  check: Checker;
  state: StepState;
}

/** A pod as a run step asks the node for it. */
export interface PodRequest {
  name: string;
  /** The image exactly as it goes into the pod spec. */
  image: string;
  /** Empty means the API server's defaulting applies. */
  imagePullPolicy: string | undefined;
  /** Contents of the pod's image pull secret (registry host → credentials), if it has one. */
  pullSecret?: { name: string; username: string; password: string };
}

/** What a step can do while a test runs; the runner provides it (run/step-context.ts). */
export interface StepContext {
  /** The policy under test: a pod's imagePullPolicy unless its run step says otherwise. */
  readonly policy: string;
  /** The node's clock: virtual on the simulation, real on a real kubelet. */
  readonly clock: Clock;
  readonly node: {
    createPod(pod: PodRequest): Promise<void>;
    deletePod(name: string): Promise<void>;
    /** Image garbage collection of one image reference. */
    removeImage(image: string): Promise<void>;
    restartKubelet(): Promise<void>;
  };
  readonly registry: {
    push(image: RegistryImage): Promise<void>;
    untag(repo: string, tag: string): Promise<void>;
    backup(name: string): Promise<void>;
    restore(name: string): Promise<void>;
    grant(user: string, password: string): Promise<void>;
    revoke(user: string): Promise<void>;
    /** The password the user has, or had before a revoke. */
    passwordOf(user: string): string | undefined;
  };
  readonly faults: { apply(fault: FaultSpec): Promise<void>; heal(): Promise<void> };
  /** The pod spec's image for a scenario image name (`app@v1` names the digest of variant v1). */
  podImage(raw: string): string;
  /** A line on the test's timeline (and in its report). */
  note(text: string): void;
  /** Waits until the pod shows the outcome (none given: until it settles) and records the verdict. */
  expect(pod: string, outcome: Outcome | undefined): Promise<void>;
}

export interface StepKind<S extends { kind: string }> {
  kind: S["kind"];
  /** For the scenario-format table: how it is written and what it does. */
  doc: { syntax: string; meaning: string };
  /** The JSON Schema of the value under the step's key (schemas/scenario.schema.json), agreeing with `parse`. */
  schema: JsonSchema;
  /** The step, or undefined after reporting what is wrong on `check`; updates `state` for later steps. */
  parse(input: StepParse): S | undefined;
  /** The step in the scenario's own words, for reports and errors. */
  describe(step: S): string;
  /**
   * Steps that wait on the node's clock (wait, expect) let it run. All others are real work
   * (registry and fault changes, API calls): the virtual clock holds still until they are done,
   * so no pod's next pull starts half-way through.
   */
  letsClockRun?: true;
  perform(step: S, context: StepContext): Promise<void>;
}
