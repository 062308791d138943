/**
 * Renders a registry's JSON error body ({"errors":[{code,message,detail}]}) the way containerd's
 * docker.Errors prints it (core/remotes/docker/errcode.go, errdesc.go): only the six codes
 * containerd registers keep their name, every other code prints as "unknown"; an error without
 * detail whose message is the code's default message prints as the bare code.
 */

const REGISTERED: Record<string, string> = {
  UNKNOWN: "unknown error",
  UNSUPPORTED: "The operation is unsupported.",
  UNAUTHORIZED: "authentication required",
  DENIED: "requested access to the resource is denied",
  UNAVAILABLE: "service unavailable",
  TOOMANYREQUESTS: "too many requests",
};

interface BodyError {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
}

export function describeRegistryErrors(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const lines = errors.map((entry: BodyError) => describeOne(entry ?? {}));
  return lines.length === 1 ? lines[0] : `errors:\n${lines.map((line) => `${line}\n`).join("")}`;
}

function describeOne(entry: BodyError): string {
  const value = typeof entry.code === "string" && entry.code in REGISTERED ? entry.code : "UNKNOWN";
  const code = value.replaceAll("_", " ").toLowerCase();
  const message = typeof entry.message === "string" ? entry.message : "";
  const bare = (entry.detail === undefined || entry.detail === null) && (message === "" || message === REGISTERED[value]);
  return bare ? code : `${code}: ${message}`;
}
