/**
 * The simulated kubelet against the kubelet's own code (the oracle, `make oracle`): every sequence
 * is answered by both, and the first difference is shown with both sides' evidence.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { askOracle, oracleBinary } from "../../harness/fidelity/oracle-process.js";
import { firstDifference, formatDifference } from "../../harness/fidelity/first-difference.js";
import { simAnswers } from "../../harness/fidelity/sim-answers.js";
import { SEQUENCES } from "./sequences.js";
import { ORACLE_RELEASES } from "../../harness/fidelity/oracle-releases.js";

describe.each(ORACLE_RELEASES)("kubelet $oracle and the simulation", ({ oracle, sim }) => {
  const binary = oracleBinary(oracle);
  it.for(SEQUENCES)("$name", async (sequence, ctx) => {
    if (!existsSync(binary)) return ctx.skip(`the oracle for ${oracle} is not built (make oracle): ${binary}`);
    const difference = firstDifference(askOracle(binary, sequence.input), await simAnswers(sequence.input, sim));
    if (sequence.differs) expect(difference, `known difference no longer seen (${sequence.differs}): remove it from the list`).toBeDefined();
    else expect(difference, difference && formatDifference(difference)).toBeUndefined();
  });
});
