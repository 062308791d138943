import { text } from "../../support/json-schema.js";
import type { StepKind } from "./step-kind.js";

export interface BackupStep {
  kind: "backup";
  name: string;
}

export const backup: StepKind<BackupStep> = {
  kind: "backup",
  doc: { syntax: "`backup: NAME`", meaning: "snapshot the registry storage (`restore: NAME` puts it back)" },
  schema: text("a name for the snapshot"),
  parse({ body, path, check, state }) {
    const name = check.string(body, path, "backup");
    if (name) state.backups.add(name);
    return name ? { kind: "backup", name } : undefined;
  },
  describe: (step) => `backup ${step.name}`,
  perform: (step, context) => context.registry.backup(step.name),
};
