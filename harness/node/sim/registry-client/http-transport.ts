/**
 * One HTTP exchange over node:http with the node's keep-alive agent. Errors become Go-like
 * RegistryErrors (transport-error.ts); an abort becomes the context error (request-context.ts).
 * Like Go's transport, an idempotent request whose reused keep-alive connection turns out to be
 * dead is sent again, for as long as the connection it failed on was a reused one (net/http
 * transport.go: Transport.roundTrip loops while pconn.shouldRetryRequest holds; no count). Each
 * dead connection is dropped as it fails, so the retries end at the first fresh connection.
 */
import http from "node:http";
import { abortError, type RequestContext } from "./request-context.js";
import { transportError, unexpectedEOF, type SocketAddresses } from "./transport-error.js";

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  request: HttpRequest;
  /** The socket error that ended the exchange after the headers arrived, if any. */
  lateError: () => Error | undefined;
  sockets: SocketAddresses;
}

export async function sendRequest(ctx: RequestContext, request: HttpRequest): Promise<HttpResponse> {
  for (;;) {
    try {
      return await sendOnce(ctx, request);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      if (ctx.signal.aborted) throw error.error;
    }
  }
}

class StaleConnection extends Error {
  constructor(readonly error: unknown) {
    super("reused connection failed");
  }
}

function sendOnce(ctx: RequestContext, request: HttpRequest): Promise<HttpResponse> {
  if (ctx.signal.aborted) return Promise.reject(abortError(ctx.signal));
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const sockets: SocketAddresses = { local: undefined, remote: undefined };
    let lateError: Error | undefined;
    let answered = false;
    const req = http.request({
      agent: ctx.agent,
      method: request.method,
      hostname: url.hostname,
      port: url.port || 80,
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers, "user-agent": ctx.userAgent },
    });
    const onAbort = () => req.destroy(new Error("aborted by context"));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    req.on("socket", (socket) => {
      const note = () => {
        sockets.local = `${socket.localAddress}:${socket.localPort}`;
        sockets.remote = `${socket.remoteAddress}:${socket.remotePort}`;
      };
      if (socket.remoteAddress) note();
      else socket.once("connect", note);
    });
    req.on("error", (error) => {
      if (answered) {
        lateError ??= error;
        return;
      }
      ctx.signal.removeEventListener("abort", onAbort);
      if (ctx.signal.aborted) return reject(abortError(ctx.signal));
      const mapped = transportError(error, sockets);
      reject(req.reusedSocket ? new StaleConnection(mapped) : mapped);
    });
    req.on("response", (res) => {
      answered = true;
      ctx.progress();
      res.once("close", () => ctx.signal.removeEventListener("abort", onAbort));
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        headers: res.headers,
        body: res,
        request,
        lateError: () => lateError,
        sockets,
      });
    });
    req.end(request.body);
  });
}

/**
 * Streams a response body, calling `onChunk` for every chunk (and ctx.progress). A connection
 * reset mid-body is Go's `read: connection reset by peer`, any other early end `unexpected EOF`.
 */
export async function consumeBody(ctx: RequestContext, response: HttpResponse, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const body = response.body;
  const onAbort = () => body.destroy(new Error("aborted by context"));
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of body) {
      ctx.progress();
      try {
        await onChunk(chunk as Buffer);
      } catch (error) {
        throw new ChunkHandlerError(error);
      }
    }
  } catch (error) {
    if (error instanceof ChunkHandlerError) throw error.error;
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const late = response.lateError() as { code?: string } | undefined;
    if (late?.code === "ECONNRESET") throw transportError(late, response.sockets);
    throw unexpectedEOF(error);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

class ChunkHandlerError extends Error {
  constructor(readonly error: unknown) {
    super("chunk handler failed");
  }
}

/**
 * Reads a small body whole (manifests, tokens, error documents); undefined when it is longer than
 * `limit`, and then reading stops there (the connection is dropped) rather than at its end.
 */
export async function readBody(ctx: RequestContext, response: HttpResponse, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    await consumeBody(ctx, response, (chunk) => {
      size += chunk.length;
      if (size > limit) throw new BodyTooLong();
      chunks.push(chunk);
    });
  } catch (error) {
    if (!(error instanceof BodyTooLong)) throw error;
    response.body.destroy();
    return undefined;
  }
  return Buffer.concat(chunks);
}

class BodyTooLong extends Error {}

/** Lets a response we do not read go, keeping its keep-alive connection usable. */
export function discardBody(response: HttpResponse): void {
  response.body.resume();
  response.body.on("error", () => {});
}
