/**
 * EnsureImageExists for a proposed policy (a data definition). It follows the kubelet's own
 * shape where the policy does not say otherwise — the same events for pulls (Pulling, Pulled,
 * Failed, BackOff), the same per-pod back-off before every registry contact, the same waiting
 * reasons — and adds what the proposals add: a digest check with its own deadline, and a
 * fallback to the cached copy announced by a Warning event ImagePullFallback.
 */
import type { Clock } from "../../support/clock.js";
import { formatGoDuration as goDuration } from "../../support/duration.js";
import { decideAfterPullFailure, decideAfterResolve, decideContact, type CacheState } from "../../policy/decide.js";
import type { ProposedPolicy } from "../../policy/policy-definition.js";
import { PullError, type AuthConfig, type ImageRecord, type ImageService } from "./cri.js";
import type { SyncResult } from "./pod-worker.js";
import type { VerificationLog } from "./verification-log.js";

export interface ProposedFlowContext {
  clock: Clock;
  images: ImageService;
  verification: VerificationLog;
  event: (type: "Normal" | "Warning", reason: string, message: string) => void;
  /** The kubelet's image back-off, keyed like the kubelet's (<pod UID>_<image>). */
  backOff: { inBackOff(key: string, now: number): boolean; next(key: string, now: number): void; gc(now: number): void };
  /** Remembered "<reason>: <message>" of the last failure per back-off key (1.32+ back-off message). */
  previousErrors: Map<string, string>;
  /** KEP-2535: may this pod use the stored image without a pull? */
  podMayUse: (image: string, imageRef: string) => Promise<boolean>;
  /** KEP-2535: record a successful pull with the credentials that worked. */
  recordPulled: (image: string, imageRef: string, auth: AuthConfig | undefined) => Promise<void>;
  /** The pod's credentials for this image (its pull secret), if any. */
  auth: AuthConfig | undefined;
  /** Repo digest ("<repo>@sha256:…") of what is stored, for the container's imageID. */
  imageIdOf: (record: ImageRecord) => string;
  signal: AbortSignal;
  onProgress: () => void;
}

/** `image` is the defaulted image string (":latest" applied); `backOffKey` is <pod UID>_<raw image>. */
export async function ensureWithProposedPolicy(policy: ProposedPolicy, image: string, backOffKey: string, ctx: ProposedFlowContext): Promise<SyncResult> {
  const stored = await ctx.images.imageStatus(image);
  const cache: CacheState = {
    present: stored !== null,
    podMayUse: stored !== null && (await ctx.podMayUse(image, stored.id)),
    verifiedAgoMs: stored ? ctx.verification.ageOf(image, ctx.clock.now()) : undefined,
  };
  const contact = decideContact(policy, cache);
  if (contact === "useCached") {
    ctx.event("Normal", "Pulled", `Container image ${q(image)} already present on machine and can be accessed by the pod`);
    return { imageID: ctx.imageIdOf(stored!) };
  }
  if (contact === "neverPull") {
    const message = `Container image ${q(image)} is not present with pull policy of ${policy.name}`;
    ctx.event("Warning", "ErrImageNeverPull", message);
    return { error: { reason: "ErrImageNeverPull", message } };
  }
  if (ctx.backOff.inBackOff(backOffKey, ctx.clock.now())) {
    ctx.event("Normal", "BackOff", `Back-off pulling image ${q(image)}`);
    const previous = ctx.previousErrors.get(backOffKey);
    return { error: { reason: "ImagePullBackOff", message: `Back-off pulling image ${q(image)}${previous ? `: ${previous}` : ""}` } };
  }
  ctx.previousErrors.delete(backOffKey);

  // The registry contact starts here, as the kubelet's pull does: the same Pulling event.
  ctx.event("Normal", "Pulling", `Pulling image ${q(image)}`);
  const resolved = await resolveWithAttempts(policy, image, stored, ctx);
  const afterResolve = decideAfterResolve(
    policy,
    cache,
    resolved.ok ? { ok: true, digestUnchanged: resolved.unchanged } : { ok: false, failureClass: resolved.error.failureClass },
  );
  if (afterResolve === "useCached") {
    ctx.verification.confirmed(image, ctx.clock.now());
    ctx.event("Normal", "Pulled", `Container image ${q(image)} already present on machine and the registry digest is unchanged`);
    return { imageID: ctx.imageIdOf(stored!) };
  }
  if (afterResolve === "fallback" && !resolved.ok) return fallBack(image, stored!, resolved.error, ctx);
  if (afterResolve === "fail" && !resolved.ok) return fail(image, backOffKey, resolved.error, ctx);

  const started = ctx.clock.now();
  try {
    const imageRef = await ctx.images.pullImage(image, ctx.auth, { signal: ctx.signal, onProgress: ctx.onProgress });
    const pulled = (await ctx.images.imageStatus(image))!;
    const took = ctx.clock.now() - started;
    await ctx.recordPulled(image, imageRef, ctx.auth);
    ctx.verification.confirmed(image, ctx.clock.now());
    ctx.event(
      "Normal",
      "Pulled",
      `Successfully pulled image ${q(image)} in ${goDuration(took)} (${goDuration(took)} including waiting). Image size: ${pulled.size} bytes.`,
    );
    ctx.backOff.gc(ctx.clock.now());
    return { imageID: ctx.imageIdOf(pulled) };
  } catch (error) {
    const pullError = asPullError(error);
    if (decideAfterPullFailure(policy, cache, pullError.failureClass) === "fallback") return fallBack(image, stored!, pullError, ctx);
    return fail(image, backOffKey, pullError, ctx);
  }
}

type Resolved = { ok: true; unchanged: boolean } | { ok: false; error: PullError };

async function resolveWithAttempts(policy: ProposedPolicy, image: string, stored: ImageRecord | null, ctx: ProposedFlowContext): Promise<Resolved> {
  let last: PullError | undefined;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    try {
      const digest = await ctx.images.resolveDigest(image, ctx.auth, { signal: ctx.signal, onProgress: ctx.onProgress, timeoutMs: policy.resolveTimeoutMs });
      return { ok: true, unchanged: !!stored && stored.repoDigests.some((d) => d.endsWith(`@${digest}`)) };
    } catch (error) {
      last = asPullError(error);
    }
  }
  return { ok: false, error: last! };
}

function fallBack(image: string, stored: ImageRecord, error: PullError, ctx: ProposedFlowContext): SyncResult {
  const imageID = ctx.imageIdOf(stored);
  ctx.event(
    "Warning",
    "ImagePullFallback",
    `Registry check failed (${error.failureClass}): ${error.message}; starting cached image ${q(image)} (${imageID.slice(imageID.indexOf("@") + 1)})`,
  );
  return { imageID };
}

function fail(image: string, backOffKey: string, error: PullError, ctx: ProposedFlowContext): SyncResult {
  ctx.event("Warning", "Failed", `Failed to pull image ${q(image)}: ${error.message}`);
  ctx.backOff.next(backOffKey, ctx.clock.now());
  ctx.previousErrors.set(backOffKey, `ErrImagePull: ${error.message}`);
  return { error: { reason: "ErrImagePull", message: error.message } };
}

/** A failure that is not the registry's or the network's is a bug: let it break the run. */
function asPullError(error: unknown): PullError {
  if (error instanceof PullError) return error;
  throw error;
}

function q(text: string): string {
  return JSON.stringify(text);
}
