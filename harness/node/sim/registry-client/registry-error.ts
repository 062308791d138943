/**
 * Errors of the distribution client. `message` is the Go error chain containerd would print
 * (each layer adds "<context>: "), `failureClass` is decided where the failure happened (socket
 * error code, HTTP status, digest check, deadline), and `kind` is the containerd errdefs class
 * that picks the CRI gRPC code (NotFound, FailedPrecondition, Canceled, …; everything else is
 * Unknown).
 */
import type { FailureClass } from "../../../policy/failure-class.js";
import { describeRegistryErrors } from "./registry-error-body.js";

export type ErrdefsKind = "notFound" | "failedPrecondition" | "canceled" | "deadlineExceeded" | "unknown";

export interface RegistryErrorDetails {
  kind?: ErrdefsKind;
  /** HTTP status of the response that failed, when there was one. */
  status?: number;
  /** Wraps containerd's ErrInvalidAuthorization (core/remotes/docker/resolver.go). */
  invalidAuthorization?: boolean;
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly failureClass: FailureClass;
  readonly kind: ErrdefsKind;
  readonly status: number | undefined;
  readonly invalidAuthorization: boolean;

  constructor(message: string, failureClass: FailureClass, details: RegistryErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = "RegistryError";
    this.failureClass = failureClass;
    this.kind = details.kind ?? "unknown";
    this.status = details.status;
    this.invalidAuthorization = details.invalidAuthorization ?? false;
  }

  /** Go's `fmt.Errorf("<context>: %w", err)`: longer text, same class. */
  wrap(context: string): RegistryError {
    return new RegistryError(`${context}: ${this.message}`, this.failureClass, {
      kind: this.kind,
      status: this.status,
      invalidAuthorization: this.invalidAuthorization,
      cause: this,
    });
  }
}

export function failureClassOfStatus(status: number): FailureClass {
  if (status === 401 || status === 403) return "authDenied";
  if (status === 404) return "notFound";
  if (status === 429) return "rateLimited";
  if (status === 408) return "timeout";
  return "serverError";
}

/**
 * containerd's ErrUnexpectedStatus (core/remotes/errors/errors.go), joined with the registry's
 * decoded error body when there is one (unexpectedResponseErr in core/remotes/docker/errcode.go).
 */
export function unexpectedStatus(method: string, url: string, status: number, statusText: string, body?: Buffer): RegistryError {
  const head = `unexpected status from ${method} request to ${url}: ${status} ${statusText}`.trimEnd();
  const registryErrors = body && body.length > 0 ? describeRegistryErrors(body) : undefined;
  const message = registryErrors === undefined ? head : `${head}\n${registryErrors}`;
  return new RegistryError(message, failureClassOfStatus(status), { status });
}

/** `"%s: %w", x, errdefs.ErrNotFound`. */
export function notFound(what: string, status?: number): RegistryError {
  return new RegistryError(`${what}: not found`, "notFound", { kind: "notFound", status });
}

/** `fmt.Errorf("%w: <detail>", ErrInvalidAuthorization)` / `"<detail>: %w"`: text given whole. */
export function invalidAuthorization(message: string, status?: number): RegistryError {
  return new RegistryError(message, "authDenied", { invalidAuthorization: true, status });
}
