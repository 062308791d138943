/**
 * Errors that carry their evidence. One place (the CLI, or the test runner) prints them.
 *
 * - InputError: the user's input is wrong (scenario, policy file, flag). Exit code 2.
 * - EnvironmentError: the machine or an infrastructure part failed (missing binary, port in use,
 *   process died). Reported as "broken", never as a wrong outcome.
 */

export interface InputProblem {
  /** The file the problem is in, when there is one. */
  file?: string;
  /** Field path inside the file, e.g. "spec.steps[3].expect.within". */
  path?: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

export class InputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super(formatProblems(problems));
    this.name = "InputError";
    this.problems = problems;
  }
}

export class EnvironmentError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(hint ? `${message}\n  hint: ${hint}` : message, options);
    this.name = "EnvironmentError";
    this.hint = hint;
  }
}

export function formatProblem(problem: InputProblem): string {
  const where = [problem.file, problem.path].filter(Boolean).join(": ");
  const head = where ? `${where}: ${problem.message}` : problem.message;
  return problem.hint ? `${head}\n    hint: ${problem.hint}` : head;
}

/** Past this many problems in one file the rest are counted, not listed (a file of 100,000 unknown fields). */
export const MAX_PROBLEMS_PER_FILE = 50;

/** Values echoed in a problem are cut to this many characters (a 5 MB value is not printed whole). */
const MAX_ECHOED_CHARS = 80;

/** A value as JSON, cut and its length said when it is long. */
export function echoValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= MAX_ECHOED_CHARS ? json : `${json.slice(0, MAX_ECHOED_CHARS)}… (${json.length} characters)`;
}

/** At most this many problems are printed; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 100;

export function formatProblems(problems: InputProblem[]): string {
  if (problems.length === 1) return formatProblem(problems[0]!);
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  - ${formatProblem(p)}`);
  if (problems.length > MAX_PROBLEMS_SHOWN) shown.push(`  … and ${problems.length - MAX_PROBLEMS_SHOWN} more`);
  return `${problems.length} problems:\n${shown.join("\n")}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
