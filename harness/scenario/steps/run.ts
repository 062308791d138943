import { mapping, text } from "../../support/json-schema.js";
import { createHash } from "node:crypto";
import { didYouMean } from "../checker.js";
import type { StepKind } from "./step-kind.js";
import { KUBERNETES_NAME } from "../../support/requester.js";
import { echoValue } from "../../support/errors.js";

export interface RunStep {
  kind: "run";
  pod: string;
  image: { raw: string };
  policy?: string;
  secret?: { user: string; password?: string };
}

export const run: StepKind<RunStep> = {
  kind: "run",
  doc: {
    syntax: "`run: {pod, image, policy?, secret?}`",
    meaning:
      "create a pod with one container. `policy` overrides the policy under test for this pod (for a warm-up pod); `policy: default` leaves `imagePullPolicy` empty so the API server's defaulting applies. `secret: alice` gives the pod a pull secret with alice's credentials (the ones she has, or had before a `revoke`); `secret: {user: alice, password: wrong}` gives a secret of its own with those credentials.",
  },
  schema: mapping(
    {
      pod: { ...text("a Kubernetes pod name"), pattern: KUBERNETES_NAME.source, maxLength: 253 },
      image: text("repo:tag, repo, repo@variant, or an intentionally invalid name"),
      policy: text("a policy for this pod only, or default"),
      secret: { oneOf: [text("a registry user"), mapping({ user: text(), password: text() }, ["user", "password"])] },
    },
    ["pod", "image"],
  ),
  parse({ body, path: at, check, state }) {
    const run = check.mapping(body, at, ["pod", "image", "policy", "secret"], "run");
    if (!run) return undefined;
    const pod = check.string(run.pod, [...at, "pod"], "pod");
    const image = check.string(run.image, [...at, "image"], "image");
    if (pod && (!KUBERNETES_NAME.test(pod) || pod.length > 253))
      check.problem(
        [...at, "pod"],
        `pod name ${echoValue(pod)} is not a Kubernetes name: lowercase letters, digits, - and ., starting and ending with a letter or digit`,
        "for example warm or pod-2",
      );
    if (pod && state.livePods.has(pod)) check.problem([...at, "pod"], `pod ${pod} already exists at this step`, "delete it first or use another name");
    if (image) {
      const variantRef = /^[^@]+@([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(image)?.[1];
      if (variantRef && !variantRef.startsWith("sha256") && !state.knownVariants.includes(variantRef)) {
        check.problem([...at, "image"], `unknown fixture variant "${variantRef}" in ${image}`, `variants: ${state.knownVariants.join(", ")}`);
      }
    }
    let policy: string | undefined;
    if (run.policy !== undefined) {
      policy = check.string(run.policy, [...at, "policy"], "policy");
      if (policy && policy !== "default" && !state.knownPolicies.includes(policy)) {
        check.problem(
          [...at, "policy"],
          `unknown policy "${policy}"`,
          didYouMean(policy, state.knownPolicies) ?? `policies: ${state.knownPolicies.join(", ")}, or default`,
        );
      }
    }
    let secret: RunStep["secret"];
    if (run.secret !== undefined) {
      if (typeof run.secret === "string") {
        // A revoked user's secret still holds the password it had: only a user never known is an error.
        if (!state.everUsers.has(run.secret)) {
          check.problem(
            [...at, "secret"],
            `secret names user ${run.secret}, who is not a registry user before this step`,
            "add it to spec.registry.users, grant it, or give {user, password}",
          );
        }
        secret = { user: run.secret };
      } else {
        const given = check.mapping(run.secret, [...at, "secret"], ["user", "password"], "secret");
        const user = given ? check.string(given.user, [...at, "secret", "user"], "secret user") : undefined;
        const password = given ? check.string(given.password, [...at, "secret", "password"], "secret password") : undefined;
        if (user && password) secret = { user, password };
      }
    }
    if (pod) {
      state.livePods.add(pod);
      state.createdPods.add(pod);
    }
    if (!pod || !image) return undefined;
    return { kind: "run", pod, image: { raw: image }, ...(policy ? { policy } : {}), ...(secret ? { secret } : {}) };
  },
  describe(step) {
    const extras = [
      step.policy ? `policy ${step.policy}` : "",
      step.secret ? `secret ${step.secret.user}${step.secret.password !== undefined ? " (explicit password)" : ""}` : "",
    ].filter(Boolean);
    return `run pod/${step.pod} image ${step.image.raw}${extras.length ? ` (${extras.join(", ")})` : ""}`;
  },
  async perform(step, context) {
    // `secret: USER` holds the password USER has, or had: a revoked user's secret keeps it.
    const secret = step.secret ? { user: step.secret.user, password: step.secret.password ?? context.registry.passwordOf(step.secret.user) ?? "" } : undefined;
    await context.node.createPod({
      name: step.pod,
      image: context.podImage(step.image.raw),
      imagePullPolicy: step.policy === "default" ? undefined : (step.policy ?? context.policy),
      ...(secret ? { pullSecret: { name: secretName(step.secret!), username: secret.user, password: secret.password } } : {}),
    });
  },
};

/** `secret: alice` is one shared secret object; an explicit {user, password} is a secret of its own. */
function secretName(secret: { user: string; password?: string | undefined }): string {
  if (secret.password === undefined) return `pull-secret-${secret.user}`;
  return `pull-secret-${secret.user}-${createHash("sha256").update(secret.password).digest("hex").slice(0, 8)}`;
}
