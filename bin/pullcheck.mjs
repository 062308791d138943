#!/usr/bin/env node
// pullcheck command line. `make setup` compiles the harness into dist/ (tsconfig.build.json);
// that build runs when it is newer than every source file, so a start costs no transpiling.
// Otherwise (a fresh edit, no build yet) the TypeScript sources run through tsx's loader.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const compiled = join(root, "dist", "harness", "cli", "main.js");
// Touched by make setup after each build (tsc leaves unchanged outputs as they were).
const stamp = join(root, "dist", ".built");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const built = existsSync(compiled) && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(root, "harness"));
if (!built) (await import("tsx/esm/api")).register();
const { main } = await import(built ? compiled : "../harness/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
