/**
 * The real Toxiproxy server (Shopify Toxiproxy v2) as a child process, with one proxy,
 * `registry`, in front of the HTTP gate. TCP faults are Toxiproxy toxics; `down` disables the
 * proxy, which closes its listener (connection refused) and the connections it carried.
 */
import { existsSync } from "node:fs";
import { Toxiproxy, type Proxy } from "toxiproxy-node-client";
import { EnvironmentError } from "../support/errors.js";
import { startProcess, waitForHttp, type ManagedProcess } from "../support/managed-process.js";
import type { FaultSpec } from "./fault-spec.js";

export class ToxiproxyServer {
  private process: ManagedProcess | undefined;
  private client: Toxiproxy | undefined;
  private proxy: Proxy | undefined;
  private toxicCount = 0;

  constructor(
    private readonly binary: string,
    private readonly apiPort: number,
    readonly listenPort: number,
    private readonly upstreamPort: number,
  ) {
    if (!existsSync(binary)) throw new EnvironmentError(`the Toxiproxy binary is missing: ${binary}`, "run `make setup` (it installs the pinned Toxiproxy with go install)");
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async start(): Promise<void> {
    this.process = startProcess("toxiproxy-server", this.binary, ["-host", "127.0.0.1", "-port", String(this.apiPort)]);
    await waitForHttp(this.process, `http://127.0.0.1:${this.apiPort}/version`, [200]);
    this.client = new Toxiproxy(`http://127.0.0.1:${this.apiPort}`);
    this.proxy = await this.client.createProxy({ name: "registry", listen: `127.0.0.1:${this.listenPort}`, upstream: `127.0.0.1:${this.upstreamPort}` });
  }

  /** TCP faults only; HTTP faults are the gate's. */
  async apply(fault: FaultSpec): Promise<void> {
    const proxy = this.proxy!;
    const name = `${fault.kind}-${++this.toxicCount}`;
    switch (fault.kind) {
      case "down":
        this.proxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
        return;
      case "timeout":
        // timeout 0: data is dropped and the connection held until the toxic goes.
        await proxy.addToxic({ name, type: "timeout", stream: "upstream", toxicity: 1, attributes: { timeout: 0 } });
        return;
      case "reset":
        await proxy.addToxic({ name, type: "reset_peer", stream: "upstream", toxicity: 1, attributes: { timeout: 0 } });
        return;
      case "latency":
        await proxy.addToxic({ name, type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: fault.latencyMs, jitter: 0 } });
        return;
      case "bandwidth":
        await proxy.addToxic({ name, type: "bandwidth", stream: "downstream", toxicity: 1, attributes: { rate: Math.max(1, Math.round(fault.bytesPerSecond / 1024)) } });
        return;
      case "cut":
        await proxy.addToxic({ name, type: "limit_data", stream: "downstream", toxicity: 1, attributes: { bytes: fault.bytes } });
        return;
      default:
        throw new Error(`${fault.kind} is not a Toxiproxy fault`);
    }
  }

  /** POST /reset: re-enables the proxy and removes every toxic. */
  async heal(): Promise<void> {
    await this.client!.reset();
    this.proxy = await this.client!.get("registry");
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }
}
