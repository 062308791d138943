/**
 * Generated sequences through the kubelet's own code and the simulation (seeded, so a failure is
 * reproducible: the message gives the sequence), for every release the oracle is built for.
 * FIDELITY_RUNS sets how many per release (default 2000; `make fidelity` runs 10,000 and, with
 * FIDELITY_REPORT, writes each release's result and a summary there).
 */
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, it } from "vitest";
import { askOracle, oracleBinary } from "../../harness/fidelity/oracle-process.js";
import { firstDifference, formatDifference } from "../../harness/fidelity/first-difference.js";
import { simAnswers } from "../../harness/fidelity/sim-answers.js";
import { generatedSequence } from "./generated-sequences.js";
import { ORACLE_RELEASES } from "../../harness/fidelity/oracle-releases.js";
import { writeFidelityResult } from "../../harness/fidelity/fidelity-summary.js";

const RUNS = Number(process.env.FIDELITY_RUNS ?? 2000);
const SEED = Number(process.env.FIDELITY_SEED ?? 2535);
/** Where `make fidelity` wants each release's result and the summary. */
const REPORT = process.env.FIDELITY_REPORT;

describe.each(ORACLE_RELEASES)("generated sequences, kubelet $oracle", ({ oracle, sim }) => {
  it(
    `should get the kubelet ${oracle}'s answers from the simulation (${RUNS} sequences, seed ${SEED})`,
    { timeout: (30 + RUNS / 100) * 60_000 },
    async (ctx) => {
      const binary = oracleBinary(oracle);
      if (!existsSync(binary)) return ctx.skip(`the oracle for ${oracle} is not built (make oracle): ${binary}`);
      const started = Date.now();
      const details = await fc.check(
        fc.asyncProperty(generatedSequence, async (input) => {
          const difference = firstDifference(askOracle(binary, input), await simAnswers(input, sim));
          if (difference) throw new Error(formatDifference(difference));
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const difference = details.failed ? fc.defaultReportMessage(details) : undefined;
      if (REPORT)
        writeFidelityResult(REPORT, {
          source: "generated",
          release: oracle,
          sequences: details.numRuns,
          seed: SEED,
          seconds: (Date.now() - started) / 1000,
          ...(difference ? { difference } : {}),
        });
      if (difference) throw new Error(difference);
    },
  );
});
