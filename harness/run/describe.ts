/** Scenario steps and outcomes written back in the scenario's own words, for reports and errors. */
import { formatDuration } from "../support/duration.js";
import { describeFault } from "../faults/fault-spec.js";
import type { Outcome, Step } from "../scenario/types.js";

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "run": {
      const extras = [
        step.policy ? `policy ${step.policy}` : "",
        step.secret ? `secret ${step.secret.user}${step.secret.password !== undefined ? " (explicit password)" : ""}` : "",
      ].filter(Boolean);
      return `run pod/${step.pod} image ${step.image.raw}${extras.length ? ` (${extras.join(", ")})` : ""}`;
    }
    case "delete":
      return `delete pod/${step.pod}`;
    case "expect":
      return `expect pod/${step.pod}`;
    case "push":
      return `push ${step.images.map((i) => `${i.repo}:${i.tag} → ${i.variant}`).join(", ")}`;
    case "untag":
      return `untag ${step.repo}:${step.tag}`;
    case "backup":
      return `backup ${step.name}`;
    case "restore":
      return `restore ${step.name}`;
    case "grant":
      return `grant ${Object.keys(step.users).join(", ")}`;
    case "revoke":
      return `revoke ${step.user}`;
    case "fault":
      return `fault ${describeFault(step.fault)}`;
    case "heal":
      return "heal all";
    case "wait":
      return `wait ${formatDuration(step.ms)}`;
    case "gc":
      return `gc ${step.image}`;
    case "restart":
      return "restart kubelet";
  }
}

export function describeOutcome(outcome: Outcome): string {
  const parts: string[] = [];
  if (outcome.running !== undefined) parts.push(`running ${outcome.running}`);
  if (outcome.waiting !== undefined) parts.push(`waiting ${outcome.waiting}`);
  if (outcome.message !== undefined) parts.push(`message ~ ${JSON.stringify(outcome.message)}`);
  if (outcome.events) parts.push(`events [${outcome.events.join(", ")}]`);
  if (outcome.noEvents) parts.push(`no events [${outcome.noEvents.join(", ")}]`);
  if (outcome.requests)
    parts.push(
      `requests ${Object.entries(outcome.requests)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
  if (outcome.staysMs !== undefined) parts.push(`stays ${formatDuration(outcome.staysMs)}`);
  return parts.join(", ") || "(empty outcome)";
}
