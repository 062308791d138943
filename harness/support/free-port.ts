import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it, from its ephemeral range). */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * A free port on 127.0.0.1 below the kernel's ephemeral range, for a listener that is closed and
 * opened again on the same port (Toxiproxy's, around a `down` fault). The kernel takes the local
 * port of every outgoing connection, and of every `listen(0)`, from that range: while such a
 * listener is closed, thousands of registry connections could otherwise take its port.
 */
export async function freeStablePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  if (low - floor < 1000) return await freePort();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    const bound = await listenOnce(port).catch(() => undefined);
    if (bound !== undefined) return bound;
  }
  return await freePort();
}

/** Linux's net.ipv4.ip_local_port_range; its default elsewhere. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}
