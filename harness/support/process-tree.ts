/** The processes below one process, read from `ps`, and whether a process is still running. */
import { readFileSync } from "node:fs";
import { commandOutputOrUndefined } from "./command.js";

export interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

/** Every process below `root`, parents before their children. */
export function descendantsOf(root: number): ProcessRow[] {
  const rows = (commandOutputOrUndefined("ps", ["-eo", "pid=,ppid=,args="]) ?? "").split("\n").flatMap((line): ProcessRow[] => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3]! }] : [];
  });
  const below = new Set([root]);
  const found: ProcessRow[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (below.has(row.ppid) && !below.has(row.pid)) {
        below.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

/** Alive and not a zombie (a parent whose event loop is blocked cannot reap its exited children). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z";
  } catch {
    // no /proc (macOS): ask the kernel whether the process is there
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
