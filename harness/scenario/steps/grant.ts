import { dictionary, text } from "../../support/json-schema.js";
import { USER_NAME_PATTERN } from "../checker.js";
import type { StepKind } from "./step-kind.js";

export interface GrantStep {
  kind: "grant";
  users: Record<string, string>;
}

export const grant: StepKind<GrantStep> = {
  kind: "grant",
  doc: { syntax: "`grant: {user: password}`", meaning: "add a registry user, or give a user a new password" },
  schema: { ...dictionary(text("the password"), "user: password"), propertyNames: { pattern: USER_NAME_PATTERN } },
  parse({ body, path, check, state }) {
    const users = check.mapping(body, path, Object.keys(typeof body === "object" && body ? body : {}), "grant");
    if (!users) return undefined;
    for (const [user, password] of Object.entries(users)) {
      check.userName(user, [...path, user]);
      check.string(password, [...path, user], `password of ${user}`);
      state.users.add(user);
      state.everUsers.add(user);
    }
    return { kind: "grant", users: users as Record<string, string> };
  },
  describe: (step) => `grant ${Object.keys(step.users).join(", ")}`,
  async perform(step, context) {
    for (const [user, password] of Object.entries(step.users)) await context.registry.grant(user, password);
  },
};
