/**
 * Keep-alive connections that died while idle: Go's transport sends an idempotent request again
 * for as long as it failed on a reused connection. A server that answers one request per
 * connection and resets the connection at the second shows it: three dead connections in the pool,
 * and the request still gets its answer, on the fourth, fresh, connection.
 */
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendRequest, readBody } from "../../../../harness/node/sim/registry-client/http-transport.js";
import type { RequestContext } from "../../../../harness/node/sim/registry-client/request-context.js";
import { VirtualClock } from "../../../../harness/support/virtual-clock.js";

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** Answers the first request on each connection (keep-alive) and resets the connection at the next. */
async function oneAnswerPerConnection(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let answered = false;
    socket.on("data", () => {
      if (answered) return socket.resetAndDestroy();
      answered = true;
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

function context(agent: http.Agent): RequestContext {
  return { signal: new AbortController().signal, progress: () => {}, clock: new VirtualClock(), agent, userAgent: "test", requester: undefined };
}

describe("http transport, reused connections", () => {
  it("should send a request again on a fresh connection when every pooled connection it tried was dead", async () => {
    const server = await oneAnswerPerConnection();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    closers.push(() => agent.destroy());
    const ctx = context(agent);
    const get = async () => {
      const response = await sendRequest(ctx, { method: "GET", url: `http://127.0.0.1:${server.port}/v2/`, headers: {} });
      return (await readBody(ctx, response, 1024))?.toString();
    };
    // Three at once: three connections, each now idle in the pool and dead at its next request.
    expect(await Promise.all([get(), get(), get()])).toEqual(["ok", "ok", "ok"]);
    expect(server.connections()).toBe(3);
    expect(await get()).toBe("ok");
    expect(server.connections()).toBe(4);
  });

  it("should not send again when a fresh connection fails", async () => {
    const server = net.createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => server.close());
    let connections = 0;
    server.on("connection", () => connections++);
    const agent = new http.Agent({ keepAlive: true });
    closers.push(() => agent.destroy());
    const port = (server.address() as net.AddressInfo).port;
    await expect(sendRequest(context(agent), { method: "GET", url: `http://127.0.0.1:${port}/v2/`, headers: {} })).rejects.toThrow(/connection reset by peer/);
    expect(connections).toBe(1);
  });
});
