/** The failure message of a test: what was expected, what happened, the pod's events and requests. */
import { formatTimeline } from "../report/format-timeline.js";
import { describeUnmetExpectation } from "../assert/describe-unmet-expectation.js";
import type { ScenarioRun } from "./execute-scenario.js";

export function explainFailure(run: ScenarioRun): string {
  const lines: string[] = [];
  for (const e of run.result.expects.filter((x) => x.verdict === "failed")) {
    lines.push(describeUnmetExpectation(e));
    const pod = e.pod;
    const podLines = run.timeline
      .all()
      .filter((o) => ((o.kind === "event" || o.kind === "request") && o.pod === pod) || o.kind === "note" || o.kind === "step");
    lines.push(`  events and registry requests of pod/${pod}:`, indent(formatTimeline(podLines.slice(-40), run.start)));
  }
  for (const i of run.result.invariants.filter((x) => x.verdict === "violated")) {
    lines.push(`invariant ${i.id} violated: ${i.title}`, ...i.details.map((d) => `  ${d}`));
  }
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
