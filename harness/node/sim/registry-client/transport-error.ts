/**
 * Socket errors as Go's net/http reports them, so messages read like containerd's: Node's
 * ECONNREFUSED becomes `dial tcp 127.0.0.1:5000: connect: connection refused`, a reset becomes
 * `read tcp <local>-><remote>: read: connection reset by peer`, a connection closed before any
 * response becomes `EOF`, and a response body cut short becomes `unexpected EOF`. The failure
 * class comes from the error code, never from the text.
 */
import { RegistryError } from "./registry-error.js";

export interface SocketAddresses {
  local: string | undefined;
  remote: string | undefined;
}

interface NodeSocketError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
}

export function transportError(error: unknown, sockets: SocketAddresses): RegistryError {
  const e = (error instanceof Error ? error : new Error(String(error))) as NodeSocketError;
  const target = e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ""}` : (sockets.remote ?? "");
  const pair = `${sockets.local ?? "?"}->${sockets.remote ?? target}`;
  switch (e.code) {
    case "ECONNREFUSED":
      return unreachable(`dial tcp ${target}: connect: connection refused`, e);
    case "EHOSTUNREACH":
      return unreachable(`dial tcp ${target}: connect: no route to host`, e);
    case "ENETUNREACH":
      return unreachable(`dial tcp ${target}: connect: network is unreachable`, e);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return unreachable(`dial tcp: lookup ${e.hostname ?? target}: no such host`, e);
    case "ETIMEDOUT":
      return new RegistryError(`dial tcp ${target}: i/o timeout`, "timeout", { cause: e });
    case "EPIPE":
      return unreachable(`write tcp ${pair}: write: broken pipe`, e);
    case "ECONNRESET":
      // Node says "socket hang up" when the peer closed (FIN) before answering: Go's io.EOF.
      if (e.message === "socket hang up") return new RegistryError("EOF", "unreachable", { cause: e });
      return unreachable(`read tcp ${pair}: read: connection reset by peer`, e);
    default:
      return unreachable(e.message, e);
  }
}

/** A response body that ended before its Content-Length: Go's io.ErrUnexpectedEOF. */
export function unexpectedEOF(cause?: unknown): RegistryError {
  return new RegistryError(UNEXPECTED_EOF, "unreachable", { cause });
}

export function isUnexpectedEOF(error: unknown): boolean {
  return error instanceof RegistryError && error.message === UNEXPECTED_EOF;
}

const UNEXPECTED_EOF = "unexpected EOF";

/** Go's url.Error: `Head "http://…": <err>`. */
export function urlError(method: string, url: string, error: RegistryError): RegistryError {
  const op = method.charAt(0) + method.slice(1).toLowerCase();
  return error.wrap(`${op} ${JSON.stringify(url)}`);
}

function unreachable(message: string, cause: Error): RegistryError {
  return new RegistryError(message, "unreachable", { cause });
}
