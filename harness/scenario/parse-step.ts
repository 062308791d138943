/**
 * Step syntax of SCENARIO-FORMAT.md ("Steps"), with the checks that need the steps before:
 * a pod must be created before it is expected or deleted, a backup taken before it is restored,
 * a user known before `secret: USER` names it.
 */
import { describe, didYouMean, type Checker, type Path } from "./checker.js";
import { parseFault } from "./parse-fault.js";
import { parseOutcome, OUTCOME_FIELDS } from "./parse-outcome.js";
import { parseRegistryImages } from "./parse-images.js";
import type { Outcome, Step } from "./types.js";

export const STEP_KINDS = [
  "run",
  "delete",
  "expect",
  "push",
  "untag",
  "backup",
  "restore",
  "grant",
  "revoke",
  "fault",
  "heal",
  "wait",
  "gc",
  "restart",
] as const;

export interface StepState {
  livePods: Set<string>;
  createdPods: Set<string>;
  backups: Set<string>;
  users: Set<string>;
  /** Users that were registry users at any earlier step (revoked ones included). */
  everUsers: Set<string>;
  knownPolicies: string[];
  knownVariants: string[];
}

type Body<K extends Step["kind"]> = Omit<Extract<Step, { kind: K }>, "line">;
/** A parsed step body before its line is added; each case builds the shape of its kind. */
type AnyBody = { kind: string; [field: string]: unknown };

export function parseStep(value: unknown, path: Path, check: Checker, state: StepState): Step | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    check.problem(path, `a step must be a mapping with one key, not ${describe(value)}`, `steps: ${STEP_KINDS.join(", ")}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    check.problem(path, `a step must have exactly one key, not ${keys.length} (${keys.join(", ") || "none"})`, "split it into one step per key");
    return undefined;
  }
  const kind = keys[0]!;
  const body = (value as Record<string, unknown>)[kind];
  const at: Path = [...path, kind];
  const before = check.problems.length;
  const parsed = parseBody(kind, body, at, check, state);
  if (!parsed || check.problems.length !== before) return undefined;
  return { ...parsed, line: check.line(path) } as unknown as Step;
}

function parseBody(kind: string, body: unknown, at: Path, check: Checker, state: StepState): AnyBody | undefined {
  switch (kind) {
    case "run":
      return parseRun(body, at, check, state);
    case "delete": {
      const pod = check.string(body, at, "delete");
      if (pod && !state.livePods.has(pod)) check.problem(at, `pod ${pod} does not exist at this step`, knownPods(state));
      if (pod) state.livePods.delete(pod);
      return pod ? { kind, pod } : undefined;
    }
    case "expect":
      return parseExpect(body, at, check, state);
    case "push": {
      const images = parseRegistryImages(body, at, check, state.knownVariants);
      return images ? { kind, images } : undefined;
    }
    case "untag": {
      const text = check.string(body, at, "untag");
      const match = text ? /^([a-z0-9][a-z0-9._/-]*):([A-Za-z0-9_][A-Za-z0-9._-]*)$/.exec(text) : null;
      if (text && !match) check.problem(at, `untag needs "repo:tag", not ${JSON.stringify(text)}`, "for example untag: app:latest");
      return match ? { kind, repo: match[1]!, tag: match[2]! } : undefined;
    }
    case "backup": {
      const name = check.string(body, at, "backup");
      if (name) state.backups.add(name);
      return name ? { kind, name } : undefined;
    }
    case "restore": {
      const name = check.string(body, at, "restore");
      if (name && !state.backups.has(name))
        check.problem(
          at,
          `no backup named ${name} is taken before this step`,
          state.backups.size ? `backups: ${[...state.backups].join(", ")}` : "add a `backup: NAME` step first",
        );
      return name ? { kind, name } : undefined;
    }
    case "grant": {
      const users = check.mapping(body, at, Object.keys(typeof body === "object" && body ? body : {}), "grant");
      if (!users) return undefined;
      for (const [user, password] of Object.entries(users)) {
        check.string(password, [...at, user], `password of ${user}`);
        state.users.add(user);
        state.everUsers.add(user);
      }
      return { kind, users: users as Record<string, string> };
    }
    case "revoke": {
      const user = check.string(body, at, "revoke");
      if (user && !state.users.has(user))
        check.problem(at, `user ${user} is not a registry user at this step`, "grant it first, or add it to spec.registry.users");
      if (user) state.users.delete(user);
      return user ? { kind, user } : undefined;
    }
    case "fault": {
      const fault = parseFault(body, at, check);
      return fault ? { kind, fault } : undefined;
    }
    case "heal":
      if (body !== "all") check.problem(at, `heal takes "all", not ${describe(body)}`, "write `heal: all`");
      return { kind };
    case "wait": {
      const ms = check.duration(body, at, "wait");
      return ms === undefined ? undefined : { kind, ms };
    }
    case "gc": {
      const image = check.string(body, at, "gc");
      return image ? { kind, image } : undefined;
    }
    case "restart":
      if (body !== "kubelet") check.problem(at, `restart takes "kubelet", not ${describe(body)}`, "write `restart: kubelet`");
      return { kind, target: "kubelet" };
    default:
      check.problem(at.slice(0, -1), `unknown step "${kind}"`, didYouMean(kind, STEP_KINDS) ?? `steps: ${STEP_KINDS.join(", ")}`);
      return undefined;
  }
}

function parseRun(body: unknown, at: Path, check: Checker, state: StepState): Body<"run"> | undefined {
  const run = check.mapping(body, at, ["pod", "image", "policy", "secret"], "run");
  if (!run) return undefined;
  const pod = check.string(run.pod, [...at, "pod"], "pod");
  const image = check.string(run.image, [...at, "image"], "image");
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
  let secret: { user: string; password?: string } | undefined;
  if (run.secret !== undefined) {
    if (typeof run.secret === "string") {
      // A revoked user's secret still holds the password it had: only a user never known is an error.
      if (!state.everUsers.has(run.secret))
        check.problem(
          [...at, "secret"],
          `secret names user ${run.secret}, who is not a registry user before this step`,
          "add it to spec.registry.users, grant it, or give {user, password}",
        );
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
}

function parseExpect(body: unknown, at: Path, check: Checker, state: StepState): Body<"expect"> | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    check.problem(at, `expect must be a mapping, not ${describe(body)}`, "write {pod: NAME, running: v1} or {pod: NAME, default: {...}, <Policy>: {...}}");
    return undefined;
  }
  const record = body as Record<string, unknown>;
  const pod = check.string(record.pod, [...at, "pod"], "pod");
  if (pod && !state.createdPods.has(pod)) check.problem([...at, "pod"], `no earlier run step creates pod ${pod}`, knownPods(state));
  const outcomeKeys = Object.keys(record).filter((k) => (OUTCOME_FIELDS as readonly string[]).includes(k));
  const otherKeys = Object.keys(record).filter((k) => k !== "pod" && !outcomeKeys.includes(k));
  if (outcomeKeys.length > 0 && otherKeys.length > 0) {
    check.problem(
      at,
      `expect mixes a plain outcome (${outcomeKeys.join(", ")}) with per-policy entries (${otherKeys.join(", ")})`,
      "put the plain outcome under default:",
    );
    return undefined;
  }
  if (outcomeKeys.length > 0) {
    const { pod: _pod, ...plain } = record;
    const outcome = parseOutcome(plain, at, check, state.knownVariants);
    return pod && outcome ? { kind: "expect", pod, default: outcome, perPolicy: {} } : undefined;
  }
  if (otherKeys.length === 0) {
    check.problem(at, "expect has no outcome", "give an outcome (running, waiting, …) or default: and per-policy entries");
    return undefined;
  }
  let fallback: Outcome | undefined;
  const perPolicy: Record<string, Outcome> = {};
  for (const key of otherKeys) {
    if (key !== "default" && !state.knownPolicies.includes(key)) {
      const hint = didYouMean(key, [...state.knownPolicies, "default", ...OUTCOME_FIELDS]);
      check.problem([...at, key], `"${key}" is neither a known policy nor default`, hint ?? `policies: ${state.knownPolicies.join(", ")}`);
      continue;
    }
    const outcome = parseOutcome(record[key], [...at, key], check, state.knownVariants);
    if (!outcome) continue;
    if (key === "default") fallback = outcome;
    else perPolicy[key] = outcome;
  }
  return pod ? { kind: "expect", pod, ...(fallback ? { default: fallback } : {}), perPolicy } : undefined;
}

function knownPods(state: StepState): string {
  return state.createdPods.size ? `pods so far: ${[...state.createdPods].join(", ")}` : "add a run step that creates it first";
}
