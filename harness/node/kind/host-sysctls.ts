/**
 * A kind node shares the host's kernel, and its kubelet and systemd change kernel settings on it:
 * the kubelet's container manager sets its kernel tunables (vm.overcommit_memory=1,
 * kernel.panic=10, kernel.panic_on_oops=1, and the kernel.keys limits when lower;
 * pkg/kubelet/cm/container_manager_linux.go, setupKernelTunables), and systemd as PID 1 raises
 * fs.file-max.
 *
 * Several runs may hold kind clusters on one host at once, and a run that starts while another's
 * cluster is up would read the values that cluster's kubelet wrote. So the host's values are
 * recorded once, in a file shared by every run on the host, by the first run that holds a
 * cluster; each run adds itself as a holder, and the last holder to leave writes the values
 * back and removes the record. A record whose holders are all gone (a SIGKILLed run) keeps its
 * values: the next holder adopts them, and `make clean` restores them.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning } from "../../support/process-tree.js";

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

export interface HostSysctlPaths {
  /** The kernel's settings (tests give a folder of their own). */
  procSys?: string;
  /** The record shared by every run on the host. */
  recordFile?: string;
}

interface HostRecord {
  values: Record<string, string>;
  /** Process ids of the runs holding a cluster. */
  holders: number[];
}

export const DEFAULT_RECORD_FILE = join(tmpdir(), ".pullcheck-host-sysctls.json");
const LOCK_STALE_MS = 10_000;

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

/**
 * Adds `holder` to the host's record (creating it from the current values when there is none) and
 * returns the release: it removes `holder`, and when no live holder is left restores the
 * recorded values and removes the record. The release says what it restored.
 */
export function holdHostSysctls(paths: HostSysctlPaths = {}, holder = process.pid): () => string[] {
  const recordFile = paths.recordFile ?? DEFAULT_RECORD_FILE;
  withLock(recordFile, () => {
    const record = readRecord(recordFile) ?? { values: Object.fromEntries(readHostSysctls(paths.procSys)), holders: [] };
    writeRecord(recordFile, { ...record, holders: [...liveHolders(record), holder] });
  });
  let released = false;
  return () => {
    if (released) return [];
    released = true;
    return releaseHolder(recordFile, paths.procSys, holder);
  };
}

/** For `make clean`: restores and removes a record that no live run holds. */
export function restoreAbandonedHostSysctls(paths: HostSysctlPaths = {}): string[] {
  return releaseHolder(paths.recordFile ?? DEFAULT_RECORD_FILE, paths.procSys, undefined);
}

function releaseHolder(recordFile: string, procSys: string | undefined, holder: number | undefined): string[] {
  return withLock(recordFile, () => {
    const record = readRecord(recordFile);
    if (!record) return [];
    const holders = liveHolders(record);
    const index = holder === undefined ? -1 : holders.indexOf(holder);
    if (index >= 0) holders.splice(index, 1);
    if (holders.length > 0) {
      writeRecord(recordFile, { ...record, holders });
      return [];
    }
    const lines = restoreHostSysctls(new Map(Object.entries(record.values)), procSys);
    rmSync(recordFile, { force: true });
    return lines;
  });
}

function liveHolders(record: HostRecord): number[] {
  return record.holders.filter(isRunning);
}

function readRecord(file: string): HostRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as HostRecord;
    return typeof record.values === "object" && Array.isArray(record.holders) ? record : undefined;
  } catch {
    return undefined;
  }
}

function writeRecord(file: string, record: HostRecord): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** A lock file created exclusively; one left by a killed process is taken over after LOCK_STALE_MS. */
function withLock<T>(recordFile: string, body: () => T): T {
  const lockFile = `${recordFile}.lock`;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      closeSync(openSync(lockFile, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lockFile, { force: true });
      else Atomics.wait(wait, 0, 0, 20);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
