/**
 * Why a registry contact failed, decided from what the network and the registry actually did.
 * A proposed policy's `fallback` maps each class to UseCached or Fail.
 *
 * - unreachable: connection refused, reset or closed (before or during a response), DNS failure
 * - timeout: no answer in time, or a transfer that stalled
 * - serverError: HTTP 5xx
 * - rateLimited: HTTP 429
 * - notFound: manifest or blob unknown (404)
 * - authDenied: 401/403 after the credential exchange
 * - integrity: content that arrived whole but does not verify (digest or size mismatch, malformed
 *   manifest); a transfer cut short by the network is `unreachable`, as containerd retries it
 */
export const FAILURE_CLASSES = ["unreachable", "timeout", "serverError", "rateLimited", "notFound", "authDenied", "integrity"] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export function isFailureClass(value: unknown): value is FailureClass {
  return typeof value === "string" && (FAILURE_CLASSES as readonly string[]).includes(value);
}
