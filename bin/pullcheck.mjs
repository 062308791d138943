#!/usr/bin/env node
// pullcheck command line: runs the TypeScript entry point through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../harness/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
