import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, freeStablePort } from "../../harness/support/free-port.js";

const listenable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

describe("free ports", () => {
  it("should give a port that can be listened on", async () => {
    expect(await listenable(await freePort())).toBe(true);
  });

  it("should give a stable port below the kernel's ephemeral range, where no outgoing connection's port comes from", async (ctx) => {
    if (process.platform !== "linux") return ctx.skip("not Linux: the range is read from /proc/sys/net/ipv4/ip_local_port_range");
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freeStablePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
    }
    expect(await listenable(ports[0]!)).toBe(true);
  });
});
