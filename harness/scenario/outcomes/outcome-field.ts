/**
 * What one field of an `expect` outcome is: how a scenario writes it, how reports write it back,
 * and how it is judged against what the pod showed. One file per field; `index.ts` lists them.
 */
import type { ContainerState } from "../../observe/observation.js";
import type { JsonSchema } from "../../support/json-schema.js";
import type { Checker, Path } from "../checker.js";
import type { Outcome } from "../types.js";

/** What the pod showed, as the judges read it. */
export interface PodView {
  /** The container's state now. */
  now: ContainerState | undefined;
  /** Its state when the expect window opened, then every state it took during the window. */
  windowStates: ContainerState[];
  /** Its event reasons since its run step, in order. */
  eventReasons: string[];
  /** Registry requests for this pod since its run step, by kind. */
  requests: { manifestHead: number; manifestGet: number; blobGet: number };
  /** The digest a fixture variant's tag points to. */
  digestOf(variant: string): string;
}

export interface OutcomeParse {
  /** The field's value. */
  value: unknown;
  /** The whole outcome mapping, for checks between fields. */
  fields: Record<string, unknown>;
  path: Path;
  check: Checker;
  knownVariants: string[];
}

export interface OutcomeField {
  /** The field's name in a scenario file. */
  key: string;
  /** For the scenario-format table. */
  doc: { syntax: string; meaning: string };
  /** The JSON Schema of the field's value (schemas/scenario.schema.json), agreeing with `parse`. */
  schema: JsonSchema;
  /** The part of the outcome this field sets, or undefined after reporting the problem on `check`. */
  parse(input: OutcomeParse): Partial<Outcome> | undefined;
  /** The field as reports write it, when the outcome sets it. */
  describe(outcome: Outcome): string | undefined;
  /** Why the pod does not show it (none: it does). Absent for the fields that shape the window (within, stays). */
  judge?(outcome: Outcome, pod: PodView): string[];
}

export function describeState(state: ContainerState | undefined): string {
  if (!state) return "no such pod";
  if (state.phase === "running") return `running ${state.imageID ?? ""}`.trim();
  return `waiting ${state.reason}${state.message ? `: ${state.message}` : ""}`;
}
