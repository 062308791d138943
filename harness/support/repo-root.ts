/** The checkout this code runs from: where scenarios/, kind-config/ and .tools/ are. */
import { basename, dirname, resolve } from "node:path";

// harness/support/ in the sources, dist/harness/support/ once compiled (make setup).
const above = resolve(new URL("../..", import.meta.url).pathname);
export const REPO_ROOT = basename(above) === "dist" ? dirname(above) : above;
