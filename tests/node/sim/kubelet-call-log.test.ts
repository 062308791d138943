import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KubeletCallLogger, type KubeletCallLog } from "../../../harness/node/sim/kubelet-call-log.js";
import type { ImageService } from "../../../harness/node/sim/cri.js";
import type { SimPod } from "../../../harness/node/sim/kubelet/kubelet.js";

const dir = mkdtempSync(join(tmpdir(), "pullcheck-vitest-calls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP = "registry.pullcheck.test/app:latest";
const pod = (name: string): SimPod => ({ name, namespace: "default", uid: `${name}-uid`, containerName: "app", image: APP, pullSecrets: [] });

/** A runtime whose pulls end when the test says so. */
function heldRuntime() {
  let finish: (ref: string) => void = () => {};
  const images: ImageService = {
    imageStatus: async () => ({ id: "sha256:aa", repoTags: [APP], repoDigests: [], size: 3878 }),
    pullImage: () => new Promise<string>((resolve) => (finish = resolve)),
    resolveDigest: async () => "sha256:bb",
    listImages: async () => [],
    removeImage: async () => {},
  };
  return { images, finish: (ref: string) => finish(ref) };
}

describe("the log of a simulated kubelet's calls", () => {
  let now = 0;
  let logs = 0;
  const file = () => join(dir, `log-${logs}.json`);
  const logger = () =>
    new KubeletCallLogger({ scenario: "s", policy: "Always", kubeletVersion: "1.37", kubeletConfig: {} }, () => now, join(dir, `log-${++logs}.json`));
  const written = (calls: KubeletCallLogger): KubeletCallLog => {
    calls.write();
    return JSON.parse(readFileSync(file(), "utf8")) as KubeletCallLog;
  };

  it("logs a sync with its pull, the image's size, and when each ended", async () => {
    const calls = logger();
    const runtime = heldRuntime();
    now = 1000;
    calls.createdPod("a", "Always");
    const sync = calls.sync(pod("a"), runtime.images, async (images) => {
      const ref = await images.pullImage(APP, undefined);
      await images.imageStatus(APP);
      calls.event({ at: now, pod: "a", type: "Normal", reason: "Pulled", message: "pulled" });
      return { imageID: ref };
    });
    now = 3500;
    runtime.finish("sha256:aa");
    await sync;
    const [call] = written(calls).calls;
    expect(call).toMatchObject({
      op: "ensureImage",
      at: 1000,
      endedAt: 3500,
      imagePullPolicy: "Always",
      pulls: [{ image: APP, at: 1000, endedAt: 3500, imageRef: "sha256:aa", size: 3878 }],
    });
  });

  it("keeps a sync a restart cut off, its pull unanswered", async () => {
    const calls = logger();
    const runtime = heldRuntime();
    const sync = calls.sync(pod("a"), runtime.images, async (images) => ({ imageID: await images.pullImage(APP, undefined) }));
    await Promise.resolve();
    calls.restartedKubelet();
    runtime.finish("sha256:aa"); // the old kubelet's pull goes on, but it no longer hears of it
    await sync;
    const log = written(calls);
    expect(log.calls.map((c) => c.op)).toEqual(["ensureImage", "restartKubelet"]);
    expect(log.calls[0]).toMatchObject({ cutOff: "restart", pulls: [{ image: APP }] });
    expect(log.calls[0]).not.toHaveProperty("endedAt");
    expect((log.calls[0] as { pulls: object[] }).pulls[0]).not.toHaveProperty("endedAt");
  });

  it("leaves out a sync the test's end cut off, and its pod's events from its start", async () => {
    const calls = logger();
    const runtime = heldRuntime();
    await calls.sync(pod("a"), runtime.images, async () => {
      calls.event({ at: now, pod: "a", type: "Warning", reason: "Failed", message: "first" });
      return { error: { reason: "ErrImagePull", message: "first" } };
    });
    const cut = calls.sync(pod("a"), runtime.images, async (images) => {
      calls.event({ at: now, pod: "a", type: "Normal", reason: "Pulling", message: "second" });
      return { imageID: await images.pullImage(APP, undefined) };
    });
    await Promise.resolve();
    calls.kubeletStopped("end");
    runtime.finish("sha256:aa");
    await cut;
    const log = written(calls);
    expect(log.calls).toHaveLength(1);
    expect(log.events.map((e) => e.message)).toEqual(["first"]);
  });
});
