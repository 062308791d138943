/**
 * Every step kind a scenario can use, in the order docs list them. A new kind is one file (see
 * step-kind.ts) and one line here.
 */
import { describe, didYouMean, type Checker, type Path } from "../checker.js";
import type { StepContext, StepKind, StepState } from "./step-kind.js";
import { backup } from "./backup.js";
import { deleteStep } from "./delete.js";
import { expect } from "./expect.js";
import { fault } from "./fault.js";
import { gc } from "./gc.js";
import { grant } from "./grant.js";
import { heal } from "./heal.js";
import { note } from "./note.js";
import { push } from "./push.js";
import { restart } from "./restart.js";
import { restore } from "./restore.js";
import { revoke } from "./revoke.js";
import { run } from "./run.js";
import { untag } from "./untag.js";
import { wait } from "./wait.js";

export const STEP_KINDS = [run, deleteStep, expect, push, untag, backup, restore, grant, revoke, fault, heal, wait, gc, restart, note] as const;

type StepOf<K> = K extends StepKind<infer S> ? S : never;
/** A parsed step, with the line it is written on. */
export type Step = StepOf<(typeof STEP_KINDS)[number]> & { line: number | undefined };
export type StepOfKind<K extends Step["kind"]> = Extract<Step, { kind: K }>;

const NAMES = STEP_KINDS.map((k) => k.kind);

function kindOf<S extends Step>(step: S): StepKind<S> {
  return STEP_KINDS.find((k) => k.kind === step.kind) as unknown as StepKind<S>;
}

export function describeStep(step: Step): string {
  return kindOf(step).describe(step);
}

export function performStep(step: Step, context: StepContext): Promise<void> {
  return kindOf(step).perform(step, context);
}

export function stepLetsClockRun(step: Step): boolean {
  return kindOf(step).letsClockRun === true;
}

/** One entry of spec.steps: a mapping with exactly one key, the step's kind. */
export function parseStep(value: unknown, path: Path, check: Checker, state: StepState): Step | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.problem(path, `a step must be a mapping with one key, not ${describe(value)}`, `steps: ${NAMES.join(", ")}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    check.problem(path, `a step must have exactly one key, not ${keys.length} (${keys.join(", ") || "none"})`, "split it into one step per key");
    return undefined;
  }
  const name = keys[0]!;
  const kind = STEP_KINDS.find((k) => k.kind === name);
  if (!kind) {
    check.problem(path, `unknown step "${name}"`, didYouMean(name, NAMES) ?? `steps: ${NAMES.join(", ")}`);
    return undefined;
  }
  const before = check.problems.length;
  const parsed = kind.parse({ body: (value as Record<string, unknown>)[name], path: [...path, name], check, state });
  if (!parsed || check.problems.length !== before) return undefined;
  return { ...parsed, line: check.line(path) } as Step;
}

/** The scenario-format table of steps. */
export function stepTable(): string {
  return ["| step | meaning |", "|---|---|", ...STEP_KINDS.map((k) => `| ${k.doc.syntax} | ${k.doc.meaning} |`)].join("\n");
}

export type { PodRequest, StepContext, StepState } from "./step-kind.js";
