import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { holdHostSysctls, readHostSysctls, restoreAbandonedHostSysctls, restoreHostSysctls } from "../../../harness/node/kind/host-sysctls.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-proc-sys-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const procSys = join(work, "sys");
const recordFile = join(work, "record.json");
const paths = { procSys, recordFile };
const set = (key: string, value: string) => {
  const path = join(procSys, ...key.split("."));
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${value}\n`);
};
const get = (key: string) => readFileSync(join(procSys, ...key.split(".")), "utf8").trim();
const hostBefore = () => {
  set("vm.overcommit_memory", "0");
  set("kernel.panic", "1");
  set("kernel.panic_on_oops", "0");
  set("kernel.keys.root_maxkeys", "1000000");
};
// What the kubelet's setupKernelTunables writes on the shared kernel.
const kubeletWrites = () => {
  set("vm.overcommit_memory", "1");
  set("kernel.panic", "10");
  set("kernel.panic_on_oops", "1");
};
const exitedPid = () => spawnSync("true").pid!;

beforeEach(() => {
  rmSync(recordFile, { force: true });
  hostBefore();
});

describe("host sysctls around a kind cluster", () => {
  it("should write back what a node's kubelet changed, and only that", () => {
    const saved = readHostSysctls(procSys);
    kubeletWrites();
    expect(restoreHostSysctls(saved, procSys)).toEqual([
      "restored vm.overcommit_memory: 1 -> 0",
      "restored kernel.panic: 10 -> 1",
      "restored kernel.panic_on_oops: 1 -> 0",
    ]);
    expect([get("vm.overcommit_memory"), get("kernel.panic"), get("kernel.panic_on_oops"), get("kernel.keys.root_maxkeys")]).toEqual([
      "0",
      "1",
      "0",
      "1000000",
    ]);
    expect(restoreHostSysctls(saved, procSys)).toEqual([]);
  });

  it("should restore the host's own values when two runs overlap, once the last one leaves", () => {
    const releaseFirst = holdHostSysctls(paths, process.pid);
    kubeletWrites();
    // The second run starts while the first one's cluster has changed the host.
    const releaseSecond = holdHostSysctls(paths, process.pid);
    expect(releaseFirst()).toEqual([]);
    expect(get("kernel.panic")).toBe("10");
    expect(releaseSecond()).toEqual(["restored vm.overcommit_memory: 1 -> 0", "restored kernel.panic: 10 -> 1", "restored kernel.panic_on_oops: 1 -> 0"]);
    expect(existsSync(recordFile)).toBe(false);
    expect(releaseSecond()).toEqual([]);
  });

  it("should keep the values recorded by a run that was killed, for the next run and for make clean", () => {
    holdHostSysctls(paths, exitedPid());
    kubeletWrites();
    const release = holdHostSysctls(paths, process.pid);
    expect(restoreAbandonedHostSysctls(paths)).toEqual([]);
    expect(release()).toContain("restored kernel.panic: 10 -> 1");

    holdHostSysctls(paths, exitedPid());
    kubeletWrites();
    expect(restoreAbandonedHostSysctls(paths)).toContain("restored vm.overcommit_memory: 1 -> 0");
    expect([get("vm.overcommit_memory"), get("kernel.panic"), get("kernel.panic_on_oops")]).toEqual(["0", "1", "0"]);
    expect(existsSync(recordFile)).toBe(false);
  });

  it("should take over a lock left by a killed process once it is stale", () => {
    writeFileSync(`${recordFile}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    spawnSync("touch", ["-d", old.toISOString(), `${recordFile}.lock`]);
    const release = holdHostSysctls(paths, process.pid);
    expect(existsSync(`${recordFile}.lock`)).toBe(false);
    kubeletWrites();
    expect(release()).toHaveLength(3);
  });
});
