import { text } from "../../support/json-schema.js";
import { echoValue } from "../../support/errors.js";
import type { StepKind } from "./step-kind.js";

export interface UntagStep {
  kind: "untag";
  repo: string;
  tag: string;
}

export const untag: StepKind<UntagStep> = {
  kind: "untag",
  doc: { syntax: '`untag: "repo:tag"`', meaning: "delete the tag (the manifest stays if other tags use it)" },
  schema: text("repo:tag"),
  parse({ body, path, check }) {
    const text = check.string(body, path, "untag");
    const match = text ? /^([a-z0-9][a-z0-9._/-]*):([A-Za-z0-9_][A-Za-z0-9._-]*)$/.exec(text) : null;
    if (text && !match) check.problem(path, `untag needs "repo:tag", not ${echoValue(text)}`, "for example untag: app:latest");
    return match ? { kind: "untag", repo: match[1]!, tag: match[2]! } : undefined;
  },
  describe: (step) => `untag ${step.repo}:${step.tag}`,
  perform: (step, context) => context.registry.untag(step.repo, step.tag),
};
