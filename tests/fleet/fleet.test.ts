/**
 * The fleet: real registry, Toxiproxy and gate, five simulated nodes. What each policy asks of the
 * registry when every node starts app:latest at once (nodes cache v1, the tag points at v2).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFleet } from "../../harness/fleet/run-fleet.js";
import { builtinPolicies } from "../../harness/policy/load-policies.js";
import { REPO_ROOT } from "../../harness/support/repo-root.js";
import { renderFleetTable } from "../../harness/cli/fleet-command.js";

const policies = new Map(builtinPolicies().map((p) => [p.name, p]));
const fleet = (policy: string, outageMs = 0) => runFleet({ nodes: 5, policy, policies, toolsDir: join(REPO_ROOT, ".tools", "bin"), outageMs });

describe("fleet", () => {
  it("Always: every node asks for the manifest and pulls the new release's config and layer", async () => {
    const result = await fleet("Always");
    expect(result.outcomes).toEqual({ v2: 5 });
    expect(result.requests).toMatchObject({ manifestHead: 5, manifestGet: 5, blobGet: 10 });
    expect(result.bytesServed).toBeGreaterThan(0);
    expect(result.allRunningAfterHealMs).toBeDefined();
    // No fault and no network shaping: the clock stands still while the pulls run.
    expect(result.requestsOverTime).toEqual([{ second: 0, manifestHead: 5, manifestGet: 5, blobGet: 10, other: 0 }]);
    expect(result.pullFailures).toEqual({ messages: {}, podsPulledMoreThanOnce: 0 });
  });

  it("IfNotPresent: every node starts its cached release without a single request", async () => {
    const result = await fleet("IfNotPresent");
    expect(result.outcomes).toEqual({ v1: 5 });
    expect(result.requests.total).toBe(0);
  });

  it("a 60 s outage: Always waits in back-off and pulls after the heal; SafeFallback starts the cached release during the outage", async () => {
    const always = await fleet("Always", 60_000);
    expect(always.outcomes).toEqual({ v2: 5 });
    expect(always.allRunningAfterHealMs).toBeGreaterThan(0);
    // The registry is down until second 60: it sees nothing before, and the retries after.
    expect(always.requestsOverTime.length).toBeGreaterThan(0);
    expect(always.requestsOverTime[0]!.second).toBeGreaterThanOrEqual(60);
    const sum = (kind: "manifestHead" | "blobGet") => always.requestsOverTime.reduce((total, s) => total + s[kind], 0);
    expect([sum("manifestHead"), sum("blobGet")]).toEqual([always.requests.manifestHead, always.requests.blobGet]);
    // Every node's pulls during the outage failed on a refused connection and were retried.
    expect(always.pullFailures.podsPulledMoreThanOnce).toBe(5);
    const messages = Object.keys(always.pullFailures.messages);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).toMatch(/^Failed to pull image "registry\.pullcheck\.test\/app:latest": .*connect: connection refused$/);
    const safe = await fleet("SafeFallback", 60_000);
    expect(safe.outcomes).toEqual({ v1: 5 });
    expect(safe.allRunningAfterHealMs).toBe(0);
    expect(safe.requests.total).toBe(0);
    expect(safe.requestsOverTime).toEqual([]);
    const table = renderFleetTable([always, safe]);
    expect(table).toContain("| Always | 5 | 1m0s |");
    expect(table).toContain("| SafeFallback | 5 | 1m0s | 0s |");
    expect(table).toContain(`Pull errors, Always, 5 nodes:`);
  });
});
