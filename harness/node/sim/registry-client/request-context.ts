/** What every registry request of one pull or resolve shares. */
import type http from "node:http";
import type { Clock } from "../../../support/clock.js";
import { RegistryError } from "./registry-error.js";

export interface RequestContext {
  /** Aborts the request; see ContextDone for the reasons that become registry errors. */
  signal: AbortSignal;
  /** Called whenever bytes arrive (response headers, every body chunk). */
  progress: () => void;
  /** The node's clock: retry waits and token expiry are measured on it. */
  clock: Clock;
  agent: http.Agent;
  userAgent: string;
  /** Who pulls, as the User-Agent's last word says ("pod/default/probe"), when the caller said. */
  requester: string | undefined;
}

/**
 * Abort reason for a Go context that ended: `canceled` is containerd's pull-progress watchdog
 * calling cancel(), `deadlineExceeded` a context.WithTimeout (a policy's resolve timeout).
 * Any other abort reason is the caller giving up, and is rethrown as it is.
 */
export class ContextDone extends Error {
  constructor(readonly kind: "canceled" | "deadlineExceeded") {
    super(kind === "canceled" ? "context canceled" : "context deadline exceeded");
    this.name = "ContextDone";
  }
}

/** The error for an aborted signal: a `timeout` RegistryError for ContextDone, else the reason. */
export function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof ContextDone) {
    return new RegistryError(reason.message, "timeout", { kind: reason.kind, cause: reason });
  }
  return reason ?? new Error("aborted");
}

/** A context whose signal also aborts when `extra` does (an errgroup's shared cancel). */
export function withSignal(ctx: RequestContext, extra: AbortSignal): RequestContext {
  return { ...ctx, signal: AbortSignal.any([ctx.signal, extra]) };
}
