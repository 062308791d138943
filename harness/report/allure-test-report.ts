/**
 * Puts one scenario × policy × backend run into the Allure result of the current test: labels,
 * parameters, invariant steps and attachments. Steps of the scenario itself are recorded while
 * they run (see StepRecorder).
 */
import * as allure from "allure-js-commons";
import { ContentType, LinkType, Status } from "allure-js-commons";
import { cellVerdict, type ScenarioRunResult } from "../assert/outcome-result.js";
import type { Observation } from "../observe/observation.js";
import { formatTimeline } from "./format-timeline.js";
import { ScenarioFailure } from "./scenario-failure.js";

export interface RunDescription {
  scenarioId: string;
  group: string;
  title: string;
  description: string;
  source: string | undefined;
  tags: string[];
  policy: string;
  policySource: string;
  backend: string;
  scenarioFile: string;
  /** Where a reader opens the scenario file: the repository's web page of it, or a file: URL. */
  scenarioUrl: string;
  scenarioText: string;
}

/** The debate the catalogue is about, linked from every test. */
const DEBATE_LINKS = [
  { url: "https://github.com/kubernetes/enhancements/issues/5497", name: "KEP-5497 (IfNewerNotPresent)" },
  { url: "https://github.com/kubernetes/kubernetes/issues/111822", name: "kubernetes/kubernetes#111822" },
];

/** The label the report's categories sort failed tests by (allurerc.mjs). */
export const FAILURE_LABEL = "failure";

export async function labelTest(run: RunDescription): Promise<void> {
  await allure.parentSuite(run.group);
  await allure.suite(run.scenarioId);
  await allure.subSuite(`${run.policy} (${run.backend})`);
  await allure.label("backend", run.backend);
  await allure.label("scenario", run.scenarioId);
  await allure.label("policy", run.policy);
  await allure.label("group", run.group);
  await allure.tags(...run.tags);
  await allure.displayName(`${run.title} — ${run.policy} on ${run.backend}`);
  await allure.description(
    [run.description, run.source ? `Source: ${run.source}` : "", `Policy ${run.policy}: ${run.policySource}`, `Scenario file: ${run.scenarioFile}`]
      .filter(Boolean)
      .join("\n\n"),
  );
  for (const link of DEBATE_LINKS) await allure.link(link.url, link.name, LinkType.ISSUE);
  await allure.link(run.scenarioUrl, `scenario file ${run.scenarioId}.yaml`);
  await allure.parameter("policy", run.policy);
  await allure.parameter("backend", run.backend);
  await allure.attachment("scenario.yaml", run.scenarioText, "text/yaml");
}

/** One Allure step per scenario step; red (a ScenarioFailure thrown inside it and caught outside), with expected / actual / why, when the body reports an unmet expectation. */
export async function allureStep(name: string, body: () => Promise<string | undefined>): Promise<void> {
  try {
    await allure.step(name, async () => {
      const unmet = await body();
      if (unmet) throw new ScenarioFailure(unmet);
    });
  } catch (error) {
    if (!(error instanceof ScenarioFailure)) throw error;
  }
}

export async function attachRun(result: ScenarioRunResult, observations: readonly Observation[], start: number): Promise<void> {
  for (const invariant of result.invariants) {
    if (invariant.verdict === "notApplicable") continue;
    await allure.label("invariant", invariant.id);
    const status = invariant.verdict === "held" ? Status.PASSED : invariant.verdict === "violated" ? Status.FAILED : Status.SKIPPED;
    const suffix =
      invariant.verdict === "expectedViolation" ? " — broken, as this policy's definition says" : invariant.verdict === "violated" ? " — VIOLATED" : "";
    const details = invariant.verdict === "violated" ? new ScenarioFailure(invariant.details.join("\n")) : undefined;
    await allure.logStep(`${invariant.id} ${invariant.title}${suffix}`, status, details);
  }
  if (cellVerdict(result) === "failed") {
    const brokeInvariant = result.invariants.some((i) => i.verdict === "violated");
    await allure.label(FAILURE_LABEL, brokeInvariant ? "invariant" : "outcome");
  }
  await allure.attachment("timeline.txt", formatTimeline(observations, start), ContentType.TEXT);
  const events = observations.filter((o) => o.kind === "event");
  await allure.attachment("events.txt", formatTimeline(events, start), ContentType.TEXT);
  const requests = observations.filter((o) => o.kind === "request");
  await allure.attachment("registry-requests.txt", formatTimeline(requests, start), ContentType.TEXT);
  const expectedVsActual = result.expects
    .map(
      (e) =>
        `step ${e.stepIndex + 1} pod/${e.pod}\n  expected: ${e.expected ?? "(no expectation for this policy)"}\n  actual:   ${e.actual}\n  verdict:  ${e.verdict}${e.reasons.length ? `\n  why:      ${e.reasons.join("; ")}` : ""}`,
    )
    .join("\n\n");
  await allure.attachment("expected-vs-actual.txt", expectedVsActual, ContentType.TEXT);
}
