/**
 * A short fingerprint of "user:password", so that the gate's log can say which credentials a
 * request carried (S4 needs the password too: a rotated password is other credentials) without
 * writing the password into logs and reports.
 */
import { createHash } from "node:crypto";

export function credentialFingerprint(user: string, password: string): string {
  return createHash("sha256").update(`${user}:${password}`).digest("hex").slice(0, 16);
}

/** The user and fingerprint of a Basic Authorization header; nothing for other schemes. */
export function basicCredentials(header: string | undefined): { user: string; credential: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6), "base64").toString();
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  return { user, credential: credentialFingerprint(user, decoded.slice(colon + 1)) };
}
