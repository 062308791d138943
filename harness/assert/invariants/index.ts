/**
 * The security invariants, checked on every test where they apply. A new invariant is one file
 * (see invariant.ts) and one line here.
 */
import type { Invariant, InvariantContext, InvariantResult } from "./invariant.js";
import { s1 } from "./s1-always-asks-the-registry.js";
import { s2 } from "./s2-content-verifies.js";
import { s3 } from "./s3-no-fallback-on-auth-denied.js";
import { s4 } from "./s4-fallback-never-widens-access.js";
import { s5 } from "./s5-never-never-asks.js";
import { s6 } from "./s6-fallback-names-what-runs.js";

export const INVARIANTS: readonly Invariant[] = [s1, s2, s3, s4, s5, s6];

export function checkInvariants(context: InvariantContext): InvariantResult[] {
  return INVARIANTS.map((invariant) => invariant.check(context));
}

export type { Invariant, InvariantContext, InvariantResult, PodFacts } from "./invariant.js";
