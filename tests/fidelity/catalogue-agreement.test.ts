/**
 * The catalogue's questions to the kubelet's image path, put to the kubelet's own code: each test
 * a simulation run logged (`pullcheck run --kubelet-calls DIR`; make test sets KUBELET_CALLS to
 * its catalogue run's folder) becomes an oracle sequence, which the simulation and the oracle of
 * every release answer. Under the release the run reproduced, the sequence must first replay the
 * test (the same events, pod by pod), so that agreement on it means agreement on the test.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KubeletCallLog } from "../../harness/node/sim/kubelet-call-log.js";
import { askOracle, oracleBinary } from "../../harness/fidelity/oracle-process.js";
import { firstDifference, formatDifference } from "../../harness/fidelity/first-difference.js";
import { simAnswers } from "../../harness/fidelity/sim-answers.js";
import { catalogueSequence } from "../../harness/fidelity/catalogue-sequence.js";
import { replayDifference } from "../../harness/fidelity/replay-difference.js";
import { ORACLE_RELEASES } from "../../harness/fidelity/oracle-releases.js";
import { writeFidelityResult } from "../../harness/fidelity/fidelity-summary.js";

/** A folder of kubelet call logs (searched through). */
const DIR = process.env.KUBELET_CALLS;
/** Where `make fidelity` wants each release's result and the summary. */
const REPORT = process.env.FIDELITY_REPORT;

function logs(): KubeletCallLog[] {
  if (!DIR || !existsSync(DIR)) return [];
  return (readdirSync(DIR, { recursive: true }) as string[])
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const log = JSON.parse(readFileSync(join(DIR, name), "utf8")) as Partial<KubeletCallLog>;
      if (!Array.isArray(log.calls) || !Array.isArray(log.events))
        throw new Error(`${join(DIR, name)} is not a kubelet call log (no calls or events): KUBELET_CALLS should hold only what --kubelet-calls wrote`);
      return log as KubeletCallLog;
    });
}

describe.each(ORACLE_RELEASES)("the catalogue's kubelet calls, kubelet $oracle", ({ oracle, sim }) => {
  it("should get the kubelet's answers from the simulation for every test it can express", { timeout: 30 * 60_000 }, async (ctx) => {
    const binary = oracleBinary(oracle);
    if (!existsSync(binary)) return ctx.skip(`the oracle for ${oracle} is not built (make oracle): ${binary}`);
    const tests = logs();
    if (tests.length === 0)
      return ctx.skip(
        `no catalogue run's kubelet calls in KUBELET_CALLS (${DIR ?? "unset"}): make test writes them, as does pullcheck run --kubelet-calls DIR`,
      );
    const started = Date.now();
    const differences: string[] = [];
    const inexpressible: string[] = [];
    let agreed = 0;
    for (const log of tests) {
      const name = `${log.scenario} [${log.policy}] (run under ${log.kubeletVersion})`;
      const sequence = catalogueSequence(log);
      if ("inexpressible" in sequence) {
        inexpressible.push(`${name}: ${sequence.inexpressible}`);
        continue;
      }
      const answers = await simAnswers(sequence.input, sim);
      const notReplayed = log.kubeletVersion === sim ? replayDifference(log, answers) : undefined;
      const difference = notReplayed ? undefined : firstDifference(askOracle(binary, sequence.input), answers);
      if (notReplayed) differences.push(`${name}: the sequence does not replay the test: ${notReplayed}`);
      else if (difference) differences.push(`${name}:\n${formatDifference(difference)}`);
      else agreed++;
    }
    console.log(
      [
        `kubelet ${oracle}: ${tests.length} tests, ${agreed} agree, ${differences.length} differ, ${inexpressible.length} the oracle's runtime cannot express`,
        ...inexpressible.map((line) => `  not expressed: ${line}`),
      ].join("\n"),
    );
    if (REPORT)
      writeFidelityResult(REPORT, {
        source: "catalogue",
        release: oracle,
        tests: tests.length,
        agreed,
        differences,
        inexpressible,
        seconds: (Date.now() - started) / 1000,
      });
    expect(differences, differences.join("\n\n")).toEqual([]);
    expect(agreed).toBeGreaterThan(0);
  });
});
