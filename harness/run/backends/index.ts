/** Every backend a run can use. A new one is one file (see backend.ts) and one line here. */
import type { Backend } from "./backend.js";
import { kind } from "./kind.js";
import { sim } from "./sim.js";
import { simContainers } from "./sim-containers.js";

export const BACKENDS: readonly Backend[] = [sim, simContainers, kind];

export function backendNamed(name: string): Backend | undefined {
  return BACKENDS.find((b) => b.name === name);
}

export type { Backend } from "./backend.js";
