/**
 * A kind node shares the host's kernel, and its kubelet and systemd change kernel settings on it:
 * the kubelet's container manager sets its kernel tunables (vm.overcommit_memory=1,
 * kernel.panic=10, kernel.panic_on_oops=1, and the kernel.keys limits when lower;
 * pkg/kubelet/cm/container_manager_linux.go, setupKernelTunables), and systemd as PID 1 raises
 * fs.file-max. Read before a cluster is created, written back once it is deleted.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const KEYS = [
  "vm.overcommit_memory",
  "vm.panic_on_oom",
  "kernel.panic",
  "kernel.panic_on_oops",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
  "fs.file-max",
];

export type SysctlValues = Map<string, string>;

const pathOf = (procSys: string, key: string) => join(procSys, ...key.split("."));

export function readHostSysctls(procSys = "/proc/sys"): SysctlValues {
  const values: SysctlValues = new Map();
  for (const key of KEYS) {
    const path = pathOf(procSys, key);
    if (existsSync(path)) values.set(key, readFileSync(path, "utf8").trim());
  }
  return values;
}

/** Writes back every value that changed; says what it restored and what it could not. */
export function restoreHostSysctls(saved: SysctlValues, procSys = "/proc/sys"): string[] {
  const lines: string[] = [];
  for (const [key, value] of saved) {
    const path = pathOf(procSys, key);
    const now = readFileSync(path, "utf8").trim();
    if (now === value) continue;
    try {
      writeFileSync(path, `${value}\n`);
      lines.push(`restored ${key}: ${now} -> ${value}`);
    } catch (error) {
      lines.push(`could not restore ${key} (was ${value}, now ${now}): ${(error as Error).message}`);
    }
  }
  return lines;
}
