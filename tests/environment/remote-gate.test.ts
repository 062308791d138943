/**
 * The gate as a program of its own (container mode) and its remote control, without Docker: the
 * gate server in this process, in front of a plain HTTP upstream.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateServer } from "../../harness/environment/gate/gate-server.js";
import { RemoteGate } from "../../harness/environment/gate/remote-gate.js";
import { freePort } from "../../harness/support/free-port.js";

describe("remote gate", () => {
  let upstream: Server;
  let gateServer: Awaited<ReturnType<typeof startGateServer>>;
  let gate: RemoteGate;
  let proxyUrl: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`upstream saw ${req.url}`));
    const upstreamPort = await freePort();
    await new Promise<void>((resolve) => upstream.listen(upstreamPort, "127.0.0.1", resolve));
    const [listen, control] = [await freePort(), await freePort()];
    gateServer = await startGateServer({ listen, control, upstreamHost: "127.0.0.1", upstreamPort, host: "127.0.0.1" });
    gate = new RemoteGate(`http://127.0.0.1:${control}`);
    await gate.start();
    proxyUrl = `http://127.0.0.1:${listen}`;
  });

  afterAll(async () => {
    await gate?.close();
    await gateServer?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it("should follow the access log: every answered request is in the log once flush() returns", async () => {
    await gate.clearLog();
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${proxyUrl}/v2/app/manifests/v${i}`, { headers: { "user-agent": "pullcheck-node/node-1 pod/default/probe" } });
      expect(await response.text()).toBe(`upstream saw /v2/app/manifests/v${i}`);
    }
    await gate.flush();
    expect(gate.log.map((e) => e.path)).toEqual([0, 1, 2, 3, 4].map((i) => `/v2/app/manifests/v${i}`));
    expect(gate.log[0]).toMatchObject({ method: "GET", status: 200, node: "node-1", pod: "probe", injected: false });
  });

  it("should apply rules set over the control API, and forget entries on clearLog()", async () => {
    await gate.setRules({ http: [{ status: 429, on: "manifests", retryAfterMs: 30_000 }], tamperBlobs: false });
    const limited = await fetch(`${proxyUrl}/v2/app/manifests/latest`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    await gate.flush();
    expect(gate.log.at(-1)).toMatchObject({ status: 429, injected: true });
    await gate.clearLog();
    expect(gate.log).toEqual([]);
    await gate.setRules({ http: [], tamperBlobs: false });
    expect((await fetch(`${proxyUrl}/v2/app/manifests/latest`)).status).toBe(200);
    await gate.flush();
    expect(gate.log).toHaveLength(1);
  });
});
