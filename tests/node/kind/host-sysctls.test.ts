import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readHostSysctls, restoreHostSysctls } from "../../../harness/node/kind/host-sysctls.js";

const procSys = mkdtempSync(join(tmpdir(), "pullcheck-proc-sys-"));
afterAll(() => rmSync(procSys, { recursive: true, force: true }));
const set = (key: string, value: string) => {
  const path = join(procSys, ...key.split("."));
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${value}\n`);
};
const get = (key: string) => readFileSync(join(procSys, ...key.split(".")), "utf8").trim();

describe("host sysctls around a kind cluster", () => {
  it("should write back what a node's kubelet changed, and only that", () => {
    set("vm.overcommit_memory", "0");
    set("kernel.panic", "1");
    set("kernel.panic_on_oops", "0");
    set("kernel.keys.root_maxkeys", "1000000");
    const saved = readHostSysctls(procSys);
    // What the kubelet's setupKernelTunables writes on the shared kernel.
    set("vm.overcommit_memory", "1");
    set("kernel.panic", "10");
    set("kernel.panic_on_oops", "1");
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
});
