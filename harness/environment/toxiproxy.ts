/**
 * The real Toxiproxy server (Shopify Toxiproxy v2), as a child process or a container, with one
 * proxy, `registry`, in front of the HTTP gate. TCP faults are Toxiproxy toxics; `down` disables
 * the proxy, which closes its listener (connection refused) and the connections it carried.
 */
import { existsSync } from "node:fs";
import { Toxiproxy, type Proxy } from "toxiproxy-node-client";
import { EnvironmentError } from "../support/errors.js";
import { startProcess, waitForHttp } from "../support/managed-process.js";
import type { FaultEffect } from "../scenario/faults/index.js";

/** A started Toxiproxy server: where its API is, and how to stop it. */
export interface ToxiproxyInstance {
  apiUrl: string;
  whereabouts: string;
  stop(): Promise<void>;
}

/** Starts the pinned binary on 127.0.0.1. */
export function toxiproxyProcess(binary: string, apiPort: number): () => Promise<ToxiproxyInstance> {
  if (!existsSync(binary))
    throw new EnvironmentError(`the Toxiproxy binary is missing: ${binary}`, "run `make setup` (it installs the pinned Toxiproxy with go install)");
  return async () => {
    const process = startProcess("toxiproxy-server", binary, ["-host", "127.0.0.1", "-port", String(apiPort)]);
    await waitForHttp(process, `http://127.0.0.1:${apiPort}/version`, [200]);
    return { apiUrl: `http://127.0.0.1:${apiPort}`, whereabouts: `pid ${process.pid}, API http://127.0.0.1:${apiPort}`, stop: () => process.stop() };
  };
}

export class ToxiproxyServer {
  private instance: ToxiproxyInstance | undefined;
  private client: Toxiproxy | undefined;
  private proxy: Proxy | undefined;
  private toxicCount = 0;

  /** `listen` and `upstream` as Toxiproxy sees them ("127.0.0.1:8666", "gate:5000"). */
  constructor(
    private readonly launch: () => Promise<ToxiproxyInstance>,
    private readonly listen: string,
    private readonly upstream: string,
  ) {}

  get whereabouts(): string {
    return this.instance?.whereabouts ?? "not running";
  }

  async start(): Promise<void> {
    this.instance = await this.launch();
    this.client = new Toxiproxy(this.instance.apiUrl);
    // Not the client's createProxy: it drops the answer's body on an error, and the body says why
    // (`listen tcp …: bind: address already in use` when another socket took the port meanwhile,
    // which start-as-processes.ts retries on new ports).
    const answer = await fetch(`${this.instance.apiUrl}/proxies`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "registry", listen: this.listen, upstream: this.upstream }),
    });
    if (!answer.ok)
      throw new EnvironmentError(
        `Toxiproxy (${this.instance.whereabouts}) could not create its proxy on ${this.listen}: ${answer.status} ${(await answer.text()).slice(0, 300)}`,
        "see whether something else listens on that address",
      );
    this.proxy = await this.client.get("registry");
  }

  /** A fault's Toxiproxy effect: the proxy disabled, or one more toxic. */
  async apply(effect: Extract<FaultEffect, { by: "toxiproxy" }>): Promise<void> {
    const proxy = this.proxy!;
    if ("disable" in effect) {
      this.proxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      return;
    }
    const { type, stream, attributes } = effect.toxic;
    await proxy.addToxic({ name: `${type}-${++this.toxicCount}`, type, stream, toxicity: 1, attributes });
  }

  /** POST /reset: re-enables the proxy and removes every toxic. */
  async heal(): Promise<void> {
    await this.client!.reset();
    this.proxy = await this.client!.get("registry");
  }

  async stop(): Promise<void> {
    await this.instance?.stop();
    this.instance = undefined;
  }
}
