/** Folders given on the command line, made and proven writable before any work starts. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputError, errorMessage } from "./errors.js";

/**
 * Makes `dir` (and its parents) and writes a probe file into it, so that a folder that cannot
 * be written (a path under /proc, a file, a read-only mount) is bad input now, not a failure
 * after the work. `flag` names where the folder came from, for the error.
 */
export function ensureWritableFolder(dir: string, flag: string): void {
  try {
    makeFolders(dir);
    const probe = join(dir, `.pullcheck-write-test-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    throw new InputError([{ path: flag, message: `cannot write ${dir}: ${errorMessage(error)}`, hint: "choose a folder this user can create and write" }]);
  }
}

/** mkdir -p, one level at a time: Node's recursive mkdir loops forever under /proc. */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) missing.unshift(at);
  for (const folder of missing) mkdirSync(folder);
}
