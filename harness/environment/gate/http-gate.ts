/**
 * pullcheck's HTTP fault gate: a reverse proxy in front of the registry that does only what
 * Toxiproxy cannot — answer with an HTTP status on chosen paths, alter blob bytes in flight —
 * and records every request for assertions. Bodies are streamed, never buffered.
 */
import { parseRequester } from "../../support/requester.js";
import { basicCredentials } from "../../support/credential-fingerprint.js";
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { FaultTarget, HttpFaultStatus } from "../../scenario/faults/index.js";

export interface GateLogEntry {
  /** Wall-clock ms. */
  time: number;
  method: string;
  path: string;
  status: number;
  /** Response body bytes sent to the client. */
  bytes: number;
  durationMs: number;
  userAgent: string;
  /** From "pullcheck-node/<node>"; undefined for other clients. */
  node: string | undefined;
  /** From "… pod/<namespace>/<name>" in the User-Agent, when the client says. */
  pod: string | undefined;
  /** The Basic-auth user the request carried. */
  user: string | undefined;
  /** The fingerprint of the Basic-auth user and password (support/credential-fingerprint.ts). */
  credential?: string;
  /** The registry's Docker-Content-Digest for the answer (a manifest's digest). */
  digest?: string;
  /** The gate answered (an injected HTTP fault), not the registry. */
  injected: boolean;
  /**
   * The client's connection closed before the whole answer was sent (a cut or reset on the way,
   * a client that gave up): `bytes` is what was sent, `status` 0 when nothing was.
   */
  aborted?: true;
}

export interface GateRules {
  http: Array<{ status: HttpFaultStatus; on: FaultTarget; retryAfterMs?: number }>;
  tamperBlobs: boolean;
}

const REASONS: Record<number, string> = { 401: "UNAUTHORIZED", 403: "DENIED", 404: "NOT_FOUND", 429: "TOOMANYREQUESTS", 500: "UNKNOWN", 503: "UNAVAILABLE" };

/** What the environment needs of a gate, in this process or in a container (remote-gate.ts). */
export interface GateControl {
  /** Every request the gate finished since the last clearLog(), in the order they finished. */
  readonly log: GateLogEntry[];
  setRules(rules: GateRules): Promise<void>;
  clearLog(): Promise<void>;
  /** Resolves once `log` holds every request the gate has finished so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * As many connections as the kernel lets wait for accept() (net.core.somaxconn caps it), as Go's
 * listeners ask for, registry and Toxiproxy included. Node's default of 511 overflowed when
 * thousands of nodes connected at once while this process was busy: the kernel dropped the
 * handshakes (the host's ListenOverflows counter grew), and nodes' first requests ended in
 * `connection reset by peer` through Toxiproxy; with the full backlog the counter stayed still.
 */
const LISTEN_BACKLOG = 65_535;

export class HttpGate implements GateControl {
  readonly log: GateLogEntry[] = [];
  rules: GateRules = { http: [], tamperBlobs: false };
  /** Called with each entry as it is logged, before the response ends (the container's log stream). */
  onEntry: ((entry: GateLogEntry) => void) | undefined;
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    private readonly upstreamPort: number,
    private readonly upstreamHost = "127.0.0.1",
  ) {}

  async listen(port: number, host = "127.0.0.1"): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
  }

  async setRules(rules: GateRules): Promise<void> {
    this.rules = rules;
  }

  async clearLog(): Promise<void> {
    this.log.length = 0;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.agent.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    const path = (req.url ?? "/").split("?")[0]!;
    const entry: GateLogEntry = {
      time: started,
      method: req.method ?? "GET",
      path,
      status: 0,
      bytes: 0,
      durationMs: 0,
      userAgent: req.headers["user-agent"] ?? "",
      ...parseRequester(req.headers["user-agent"] ?? ""),
      user: undefined,
      injected: false,
    };
    const credentials = basicCredentials(req.headers.authorization);
    if (credentials) Object.assign(entry, credentials);
    // Logged before the response's last byte goes out, so that whoever follows the log learns of
    // a request no later than the client learns its answer.
    let logged = false;
    const finish = () => {
      if (logged) return;
      logged = true;
      entry.durationMs = Date.now() - started;
      this.log.push(entry);
      this.onEntry?.(entry);
    };
    const rule = this.rules.http.find((r) => matches(r.on, path));
    if (rule) {
      entry.injected = true;
      const body = JSON.stringify({ errors: [{ code: REASONS[rule.status], message: `injected by pullcheck's fault gate`, detail: null }] });
      const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
      if (rule.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(rule.retryAfterMs / 1000));
      if (rule.status === 401) headers["www-authenticate"] = 'Basic realm="pullcheck"';
      entry.status = rule.status;
      entry.bytes = req.method === "HEAD" ? 0 : Buffer.byteLength(body);
      req.resume();
      res.writeHead(rule.status, headers);
      finish();
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const upstream = httpRequest(
      { host: this.upstreamHost, port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
      (answer) => {
        entry.status = answer.statusCode ?? 502;
        const digest = answer.headers["docker-content-digest"];
        if (typeof digest === "string") entry.digest = digest;
        res.writeHead(entry.status, answer.headers);
        const tamper = this.rules.tamperBlobs && isBlob(path) && (entry.status === 200 || entry.status === 206);
        answer.on("data", (chunk: Buffer) => {
          entry.bytes += chunk.length;
          res.write(tamper ? tampered(chunk) : chunk);
        });
        answer.on("end", () => {
          finish();
          res.end();
        });
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502);
      finish();
      res.end();
    });
    res.on("close", () => {
      if (!logged) {
        entry.aborted = true;
        finish();
      }
      upstream.destroy();
    });
    req.pipe(upstream);
  }
}

function matches(on: FaultTarget, path: string): boolean {
  if (on === "all") return path.startsWith("/v2/");
  return on === "manifests" ? /^\/v2\/.+\/manifests\//.test(path) : isBlob(path);
}

function isBlob(path: string): boolean {
  return /^\/v2\/.+\/blobs\/sha256:/.test(path);
}

/** Same length, different bytes: one byte flipped in every 4 KiB. */
function tampered(chunk: Buffer): Buffer {
  const copy = Buffer.from(chunk);
  for (let i = 0; i < copy.length; i += 4096) copy[i] = copy[i]! ^ 0xff;
  return copy;
}
