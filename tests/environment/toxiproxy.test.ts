/** The real Toxiproxy binary: a proxy whose port another socket took says so, in words the port-race retry reads. */
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ToxiproxyServer, toxiproxyProcess } from "../../harness/environment/toxiproxy.js";
import { freePort } from "../../harness/support/free-port.js";
import { REPO_ROOT } from "../../harness/support/repo-root.js";

const BINARY = join(REPO_ROOT, ".tools", "bin", "toxiproxy-server");
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe("Toxiproxy's proxy", () => {
  it("should fail with Toxiproxy's own reason when its listen port is taken", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    stops.push(() => new Promise((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const toxiproxy = new ToxiproxyServer(toxiproxyProcess(BINARY, await freePort()), `127.0.0.1:${port}`, "127.0.0.1:9");
    stops.push(() => toxiproxy.stop());
    await expect(toxiproxy.start()).rejects.toThrow(
      `could not create its proxy on 127.0.0.1:${port}: 500 {"error":"listen tcp 127.0.0.1:${port}: bind: address already in use"`,
    );
  });
});
