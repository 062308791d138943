import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { execFile } from "node:child_process";
import { startEnvironment } from "./harness/environment/environment.js";
import { RealClock } from "./harness/support/clock.js";
import { getFixture } from "./harness/registry/fixtures/catalog.js";
import { CriImageService } from "./harness/node/sim/image-service/cri-image-service.js";
import { REGISTRY_HOST } from "./harness/node/node-under-test.js";
const work = mkdtempSync(join(tmpdir(), "pullcheck-probe-"));
const env = await startEnvironment({ toolsDir: "./.tools/bin", tempRoot: work });
const ctr = (args: string[]) => new Promise<string>((res) => execFile("ctr", ["--address", "/run/docker/containerd/containerd.sock", "-n", "pullcheck-probe", ...args], (e, so, se) => res((e ? se : "ok " + so).trim().split("\n").slice(-1)[0]!)));
try {
  await env.admin.pushImage("big", "latest", getFixture("fat"));
  await env.faults.apply({ kind: "cut", bytes: 8 * 1024 * 1024 });
  const c = await ctr(["images", "pull", "--plain-http", `${env.endpoint}/big:latest`]);
  const s = new CriImageService({ nodeName: "p", storeDir: join(work, "s"), hosts: { [REGISTRY_HOST]: env.endpoint }, clock: new RealClock() });
  let sim = "ok"; try { await s.pullImage(`${REGISTRY_HOST}/big:latest`, undefined); } catch (e) { sim = (e as Error).message; }
  console.log("ctr:", c, "\nsim:", sim);
  console.log(JSON.stringify(env.requests().map((r) => ({ ...r, path: r.path.slice(0, 45) })), null, 0).replaceAll("},{", "},\n{"));
} finally {
  await env.faults.heal();
  await ctr(["images", "rm", "--sync", `${env.endpoint}/big:latest`]);
  await env.close();
  rmSync(work, { recursive: true, force: true });
}
