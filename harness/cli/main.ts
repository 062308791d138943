/**
 * pullcheck CLI. The one place that prints errors and picks exit codes (exit-codes.ts). Each
 * command's module loads only when it runs, so `--help` and `--version` start quickly.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, InputError, EnvironmentError } from "../support/errors.js";
import { REPO_ROOT } from "../support/repo-root.js";
import { DEFAULT_KUBELET_VERSION, KUBELET_VERSIONS } from "../node/sim/kubelet/kubelet-version.js";
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from "./exit-codes.js";

const USAGE = `usage: pullcheck <command> [options]
       pullcheck <command> --help    that command's options
       pullcheck --version

commands:
  run [PATH…]        run scenario files or folders (default: scenarios/)
  list [PATH…]       list the planned tests (scenario × policy × backend)
  validate PATH…     check scenario files only; exit 2 on any error
  report             build the HTML report and the matrix from the last run (--output DIR: that run's)
  docs               regenerate docs/policies.md (policies, last run) and the tables of docs/scenario-format.md
  differences        cells where sim and kind ended differently in the last run, each with its
                     documented explanation; exit 1 when one has none (--results DIR)
  fleet              a restart storm of N simulated nodes: registry load per policy
  bench              measure suite time, pull throughput and fleets into reports/bench.*

Without a terminal (CI, a pipe) run prints one line per test as it ends, then a summary per backend.
-o json (list, run) and --junit FILE (run) are described in docs/cli.md.

${EXIT_CODES_HELP}`;

const REPORT_USAGE = `usage: pullcheck report [--output DIR]

Builds the matrix (matrix.md, matrix.html) and the Allure HTML report (allure-report/index.html,
one file that opens from disk) from a run's results.

  --output DIR       the folder of a \`pullcheck run --output DIR\`: reads DIR/results and
                     DIR/allure-results and writes the report into DIR (default: reports/results and
                     allure-results in, reports/ out)

${EXIT_CODES_HELP}`;

const DOCS_USAGE = `usage: pullcheck docs

Regenerates docs/policies.md (decision tables from the policy definitions, observed invariants from
the last run's reports/results), the generated tables of docs/scenario-format.md and the known
differences in docs/kind.md. Takes no options.`;

const DIFFERENCES_USAGE = `usage: pullcheck differences [--results DIR]

Every cell where the simulation and kind ended differently in a run, each with its documented
explanation (kind-config/known-differences.yaml).

  --results DIR      the run's results (default reports/results; a --output DIR run: DIR/results)

exit codes: 0 every difference documented, 1 one is not, 2 the results are not of sim and kind`;

interface Command {
  run(args: string[]): Promise<number> | number;
  usage(): Promise<string> | string;
}

const COMMANDS: Record<string, Command> = {
  run: {
    run: async (args) => (await import("./run-command.js")).runCommand(args),
    usage: async () => (await import("./run-options.js")).RUN_USAGE.run,
  },
  list: {
    run: async (args) => (await import("./run-command.js")).listCommand(args),
    usage: async () => (await import("./run-options.js")).RUN_USAGE.list,
  },
  validate: {
    run: async (args) => (await import("./run-command.js")).validateCommand(args),
    usage: async () => (await import("./run-options.js")).RUN_USAGE.validate,
  },
  report: { run: async (args) => (await import("./build-report.js")).reportCommand(args), usage: () => REPORT_USAGE },
  docs: {
    run: async (args) => {
      if (args.length > 0) throw new InputError([{ message: `docs takes no arguments: ${args.join(" ")}`, hint: "pullcheck docs" }]);
      return (await import("./build-report.js")).writeDocs();
    },
    usage: () => DOCS_USAGE,
  },
  differences: { run: async (args) => (await import("./differences-command.js")).differencesCommand(args), usage: () => DIFFERENCES_USAGE },
  fleet: {
    run: async (args) => (await import("./fleet-command.js")).fleetCommand(args),
    usage: async () => (await import("./fleet-command.js")).FLEET_USAGE,
  },
  bench: {
    run: async (args) => (await import("./bench-command.js")).benchCommand(args),
    usage: async () => (await import("./bench-command.js")).BENCH_USAGE,
  },
};

export function versionText(): string {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  const others = KUBELET_VERSIONS.filter((v) => v !== DEFAULT_KUBELET_VERSION);
  return `pullcheck ${version}\nsimulated kubelet: ${DEFAULT_KUBELET_VERSION} (--kubelet-version also ${others.join(", ")})`;
}

/** `--help` or `-h` anywhere before a `--`. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      console.error(USAGE);
      return EXIT.input;
    }
    if (name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
      console.log(topic ? await topic.usage() : USAGE);
      return EXIT.ok;
    }
    if (name === "--version" || name === "-V" || name === "version") {
      console.log(versionText());
      return EXIT.ok;
    }
    const command = COMMANDS[name];
    if (!command) {
      console.error(`pullcheck: unknown command "${name}"\n\n${USAGE}`);
      return EXIT.input;
    }
    if (asksForHelp(rest)) {
      console.log(await command.usage());
      return EXIT.ok;
    }
    return await command.run(rest);
  } catch (error) {
    if (error instanceof InputError) console.error(`pullcheck: bad input\n${error.message}`);
    else if (error instanceof EnvironmentError) console.error(`pullcheck: environment problem\n${error.message}`);
    else console.error(`pullcheck: ${errorMessage(error)}`);
    return exitCodeOf(error);
  }
}
