import { text } from "../../support/json-schema.js";
import type { StepKind } from "./step-kind.js";

export interface RevokeStep {
  kind: "revoke";
  user: string;
}

export const revoke: StepKind<RevokeStep> = {
  kind: "revoke",
  doc: { syntax: "`revoke: USER`", meaning: "remove a registry user (pull secrets that name the user keep the old password)" },
  schema: text("a registry user"),
  parse({ body, path, check, state }) {
    const user = check.string(body, path, "revoke");
    if (user && !state.users.has(user))
      check.problem(path, `user ${user} is not a registry user at this step`, "grant it first, or add it to spec.registry.users");
    if (user) state.users.delete(user);
    return user ? { kind: "revoke", user } : undefined;
  },
  describe: (step) => `revoke ${step.user}`,
  perform: (step, context) => context.registry.revoke(step.user),
};
