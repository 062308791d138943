/** The checkout this code runs from: where scenarios/, kind-config/ and .tools/ are. */
import { resolve } from "node:path";

export const REPO_ROOT = resolve(new URL("../..", import.meta.url).pathname);
