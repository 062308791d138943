import { text } from "../../support/json-schema.js";
import type { StepKind } from "./step-kind.js";

export interface RestoreStep {
  kind: "restore";
  name: string;
}

export const restore: StepKind<RestoreStep> = {
  kind: "restore",
  doc: { syntax: "`restore: NAME`", meaning: "stop the registry, swap in the snapshot of that `backup`, start it (a registry restored from backup)" },
  schema: text("the name of an earlier backup"),
  parse({ body, path, check, state }) {
    const name = check.string(body, path, "restore");
    if (name && !state.backups.has(name)) {
      check.problem(
        path,
        `no backup named ${name} is taken before this step`,
        state.backups.size ? `backups: ${[...state.backups].join(", ")}` : "add a `backup: NAME` step first",
      );
    }
    return name ? { kind: "restore", name } : undefined;
  },
  describe: (step) => `restore ${step.name}`,
  perform: (step, context) => context.registry.restore(step.name),
};
