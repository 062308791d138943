/**
 * A gate running elsewhere (a container): rules go over its control API, and its access log is
 * followed as a stream, so `log` stays a plain array the runner reads synchronously. The gate
 * sends each entry before the response's last byte, so an entry normally arrives before the
 * client has its answer; flush() makes sure before counts are read.
 */
import http from "node:http";
import { EnvironmentError } from "../../support/errors.js";
import type { GateControl, GateLogEntry, GateRules } from "./http-gate.js";
import type { SequencedEntry } from "./gate-server.js";

export class RemoteGate implements GateControl {
  readonly log: GateLogEntry[] = [];
  private lastSeq = 0;
  private clearedThrough = 0;
  private follow: http.ClientRequest | undefined;
  private waiters: Array<() => void> = [];
  private readonly agent = new http.Agent({ keepAlive: true });

  /** `controlUrl`: http://host:port of the gate's control API. */
  constructor(private readonly controlUrl: string) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.follow = http.get(`${this.controlUrl}/log`, (res) => {
        if (res.statusCode !== 200) return reject(new EnvironmentError(`the gate's log answered HTTP ${res.statusCode}`));
        let pending = "";
        res.setEncoding("utf8");
        res.on("data", (text: string) => {
          pending += text;
          let newline: number;
          while ((newline = pending.indexOf("\n")) >= 0) {
            this.receive(JSON.parse(pending.slice(0, newline)) as SequencedEntry);
            pending = pending.slice(newline + 1);
          }
        });
        resolve();
      });
      this.follow.on("error", (error) => reject(new EnvironmentError(`cannot follow the gate's log at ${this.controlUrl}: ${error.message}`)));
    });
  }

  async setRules(rules: GateRules): Promise<void> {
    await this.call("PUT", "/rules", JSON.stringify(rules));
  }

  async clearLog(): Promise<void> {
    const { seq } = JSON.parse(await this.call("DELETE", "/log")) as { seq: number };
    this.clearedThrough = seq;
    this.log.length = 0;
  }

  async flush(): Promise<void> {
    const { seq } = JSON.parse(await this.call("GET", "/log/seq")) as { seq: number };
    while (this.lastSeq < seq) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.follow?.destroy();
    this.agent.destroy();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private receive(entry: SequencedEntry): void {
    this.lastSeq = Math.max(this.lastSeq, entry.seq);
    if (entry.seq > this.clearedThrough) {
      const { seq: _seq, ...plain } = entry;
      this.log.push(plain);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private call(method: string, path: string, body?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.controlUrl}${path}`,
        { method, agent: this.agent, headers: body ? { "content-type": "application/json" } : {} },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () =>
            res.statusCode! < 300 ? resolve(text) : reject(new EnvironmentError(`the gate refused ${method} ${path}: HTTP ${res.statusCode} ${text}`)),
          );
        },
      );
      req.on("error", (error) =>
        reject(new EnvironmentError(`the gate's control API at ${this.controlUrl} did not answer ${method} ${path}: ${error.message}`)),
      );
      req.end(body);
    });
  }
}
