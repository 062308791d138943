/** The CLI's exit codes: what CI pipelines and make targets tell apart. */
import { EnvironmentError, InputError } from "../support/errors.js";

export const EXIT = {
  /** Everything ran and every outcome was as expected. */
  ok: 0,
  /** An outcome differed, an invariant broke, or a sim-vs-kind difference has no explanation. */
  failed: 1,
  /** Bad input: a scenario or policy file, a flag. */
  input: 2,
  /** The environment: a missing binary, Docker not answering, a cluster that could not be created. */
  environment: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `exit codes:
  0  all as expected
  1  an outcome differed, an invariant broke, or (differences) a sim-vs-kind difference is not documented
  2  bad input: a scenario or policy file, a flag
  3  environment problem: a missing binary, Docker not answering, a cluster that could not be created,
     or a test that broke for such a reason while no outcome differed
  130, 143  the run was stopped by SIGINT or SIGTERM (128 + the signal), after each test released
     what it had started`;

/** The exit code of an error that reached the CLI. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.input;
  if (error instanceof EnvironmentError) return EXIT.environment;
  return EXIT.failed;
}
