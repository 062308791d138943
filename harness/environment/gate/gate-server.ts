/**
 * The gate as a program of its own, for container mode: the proxy on one port and a control API
 * on another, which the harness uses to set the rules and to follow the access log.
 *
 *   node gate-server.js --listen 5000 --control 5001 --upstream registry:5000
 *
 * Control API: PUT /rules (GateRules as JSON); GET /log (NDJSON: every entry so far, then each new
 * one as it is logged, each with a sequence number `seq`); GET /log/seq (the latest seq);
 * DELETE /log (forget the entries so far; answers the seq they ended at).
 */
import { createServer, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { HttpGate, type GateLogEntry, type GateRules } from "./http-gate.js";

export type SequencedEntry = GateLogEntry & { seq: number };

export async function startGateServer(options: { listen: number; control: number; upstreamHost: string; upstreamPort: number; host?: string }) {
  const host = options.host ?? "0.0.0.0";
  const gate = new HttpGate(options.upstreamPort, options.upstreamHost);
  let seq = 0;
  const entries: SequencedEntry[] = [];
  const followers = new Set<ServerResponse>();
  gate.onEntry = (entry) => {
    const sequenced = { ...entry, seq: ++seq };
    entries.push(sequenced);
    gate.log.length = 0; // the sequenced copy is the record here
    for (const follower of followers) follower.write(`${JSON.stringify(sequenced)}\n`);
  };
  await gate.listen(options.listen, host);
  const control = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "PUT" && path === "/rules") {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        try {
          gate.rules = JSON.parse(body) as GateRules;
          res.writeHead(204).end();
        } catch (error) {
          res.writeHead(400, { "content-type": "text/plain" }).end(`rules must be JSON: ${(error as Error).message}`);
        }
      });
      return;
    }
    if (req.method === "GET" && path === "/log") {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.flushHeaders();
      for (const entry of entries) res.write(`${JSON.stringify(entry)}\n`);
      followers.add(res);
      res.on("close", () => followers.delete(res));
      return;
    }
    if (req.method === "GET" && path === "/log/seq") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ seq }));
      return;
    }
    if (req.method === "DELETE" && path === "/log") {
      entries.length = 0;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ seq }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    control.once("error", reject);
    control.listen(options.control, host, () => resolve());
  });
  return {
    async close() {
      for (const follower of followers) follower.end();
      control.closeAllConnections();
      await new Promise<void>((resolve) => control.close(() => resolve()));
      await gate.close();
    },
  };
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: "string", default: "5000" },
      control: { type: "string", default: "5001" },
      upstream: { type: "string", default: "registry:5000" },
    },
  });
  const [upstreamHost, upstreamPort] = values.upstream.split(":");
  startGateServer({
    listen: Number(values.listen),
    control: Number(values.control),
    upstreamHost: upstreamHost!,
    upstreamPort: Number(upstreamPort ?? 5000),
  }).then(
    () => console.log(`pullcheck gate: proxy :${values.listen} → ${values.upstream}, control :${values.control}`),
    (error: Error) => {
      console.error(`pullcheck gate: ${error.message}`);
      process.exit(1);
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
}

if (process.argv[1] && /gate-server\.(ts|js|mjs)$/.test(process.argv[1])) main(process.argv.slice(2));
