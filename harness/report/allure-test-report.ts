/**
 * Puts one scenario × policy × backend run into the Allure result of the current test: labels,
 * parameters, invariant steps and attachments. Steps of the scenario itself are recorded while
 * they run (see StepRecorder).
 */
import * as allure from "allure-js-commons";
import { ContentType, Status } from "allure-js-commons";
import type { ScenarioRunResult } from "../assert/outcome-result.js";
import type { Observation } from "../observe/observation.js";
import { formatTimeline } from "./format-timeline.js";

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
  scenarioText: string;
}

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
  await allure.parameter("policy", run.policy);
  await allure.parameter("backend", run.backend);
  await allure.attachment("scenario.yaml", run.scenarioText, "text/yaml");
}

/** One Allure step per scenario step. */
export async function allureStep<T>(name: string, body: () => Promise<T>): Promise<T> {
  return await allure.step(name, body);
}

export async function attachRun(result: ScenarioRunResult, observations: readonly Observation[], start: number): Promise<void> {
  for (const invariant of result.invariants) {
    if (invariant.verdict === "notApplicable") continue;
    await allure.label("invariant", invariant.id);
    const status = invariant.verdict === "held" ? Status.PASSED : invariant.verdict === "violated" ? Status.FAILED : Status.SKIPPED;
    const suffix =
      invariant.verdict === "expectedViolation" ? " — broken, as this policy's definition says" : invariant.verdict === "violated" ? " — VIOLATED" : "";
    await allure.logStep(`${invariant.id} ${invariant.title}${suffix}`, status);
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
