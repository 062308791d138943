import { describe, expect, it } from "vitest";
import type { KubeletCallLog, LoggedCall, LoggedPull } from "../../harness/node/sim/kubelet-call-log.js";
import { catalogueSequence } from "../../harness/fidelity/catalogue-sequence.js";
import { replayDifference } from "../../harness/fidelity/replay-difference.js";
import type { OracleOutput } from "../../harness/fidelity/oracle-json.js";

const T0 = 1_767_225_600_000;
const APP = "registry.pullcheck.test/app:latest";
const log = (calls: LoggedCall[], events: KubeletCallLog["events"] = []): KubeletCallLog => ({
  scenario: "outage/x",
  policy: "Always",
  kubeletVersion: "1.37",
  kubeletConfig: {},
  images: [],
  calls,
  events,
});
const ensure = (pod: string, at: number, pulls: LoggedPull[], endedAt = at): LoggedCall => ({
  op: "ensureImage",
  at: T0 + at,
  endedAt: T0 + endedAt,
  pod: { name: pod, uid: `${pod}-uid-1` },
  image: APP,
  pullSecrets: [],
  pulls: pulls.map((p) => ({ ...p, at: T0 + p.at, ...(p.endedAt !== undefined ? { endedAt: T0 + p.endedAt } : {}) })),
});
const pulled = (at: number, endedAt: number, extra: Partial<LoggedPull> = {}): LoggedPull => ({
  image: APP,
  at,
  endedAt,
  imageRef: "sha256:aa",
  size: 3878,
  ...extra,
});

describe("a catalogue test's kubelet calls as an oracle sequence", () => {
  it("holds a pull that took time and releases it when it ended, the clock stepped in between", () => {
    const sequence = catalogueSequence(log([ensure("a", 0, [pulled(0, 2500)], 2500), ensure("b", 12_000, [])]));
    expect(sequence).toEqual({
      input: {
        apiVersion: "pullcheck.oracle/v1",
        calls: [
          { op: "runtime", pulls: [{ image: APP, ref: "sha256:aa", size: 3878, hold: true }] },
          { op: "ensureImage", pod: { name: "a", uid: "a-uid-1" }, container: { image: APP }, async: true },
          { op: "step", seconds: 2.5 },
          { op: "release", image: APP },
          { op: "step", seconds: 9.5 },
          { op: "ensureImage", pod: { name: "b", uid: "b-uid-1" }, container: { image: APP } },
        ],
      },
    });
  });

  it("gives a failed pull's gRPC code back, and keeps code Unknown's bare text", () => {
    const rules = (error: string) => {
      const sequence = catalogueSequence(log([ensure("a", 0, [{ image: APP, at: 0, endedAt: 0, error }])]));
      return "input" in sequence ? sequence.input.calls[0] : sequence;
    };
    expect(rules("rpc error: code = NotFound desc = app: not found")).toEqual({
      op: "runtime",
      pulls: [{ image: APP, error: { code: "NotFound", message: "app: not found" } }],
    });
    expect(rules("failed to pull: connection refused")).toEqual({
      op: "runtime",
      pulls: [{ image: APP, error: { code: "Unknown", message: "failed to pull: connection refused" } }],
    });
  });

  it("answers one call's credentials with an auth rule: the one that worked, and the others' error", () => {
    const alice = { username: "alice", password: "a" };
    const bob = { username: "bob", password: "b" };
    const sequence = catalogueSequence(log([ensure("a", 0, [{ image: APP, at: 0, endedAt: 0, auth: bob, error: "denied" }, pulled(0, 0, { auth: alice })])]));
    expect("input" in sequence && sequence.input.calls[0]).toEqual({
      op: "runtime",
      pulls: [{ image: APP, ref: "sha256:aa", size: 3878, auth: [alice], authError: { code: "Unknown", message: "denied" } }],
    });
  });

  it("names what the oracle's runtime cannot say: two pulls of one image in flight with different answers", () => {
    const sequence = catalogueSequence(
      log([ensure("a", 0, [pulled(0, 5000)], 5000), ensure("b", 1000, [{ image: APP, at: 1000, endedAt: 2000, error: "refused" }], 2000)]),
    );
    expect(sequence).toEqual({ inexpressible: `b at 1.000 s: a pull of ${APP} is in flight with another answer` });
  });

  it("leaves a pull its kubelet never saw answered held, and the call async", () => {
    const { endedAt: _, ...started } = ensure("a", 0, [{ image: APP, at: 0 }]) as Extract<LoggedCall, { op: "ensureImage" }>;
    const cut: LoggedCall = { ...started, cutOff: "restart" };
    const sequence = catalogueSequence(log([cut, { op: "restartKubelet", at: T0 + 1000 }]));
    expect("input" in sequence && sequence.input.calls).toEqual([
      { op: "runtime", pulls: [{ image: APP, hold: true }] },
      { op: "ensureImage", pod: { name: "a", uid: "a-uid-1" }, container: { image: APP }, async: true },
      { op: "step", seconds: 1 },
      { op: "restartKubelet" },
    ]);
  });
});

describe("whether a sequence replays its test", () => {
  const output = (messages: string[]): OracleOutput => ({
    config: { valid: true },
    results: [
      { index: 0, op: "ensureImage", at: 0, cri: [], events: messages.map((message) => ({ pod: "a", type: "Normal", reason: "Pulled", message, count: 1 })) },
    ],
  });
  const ran = (messages: string[]) =>
    log(
      [],
      messages.map((message) => ({ at: T0, pod: "a", type: "Normal", reason: "Pulled", message })),
    );

  it("does when each pod has the same events in the same order, whatever the pulls' durations", () => {
    const pulledIn = (d: string) => `Successfully pulled image "${APP}" in ${d} (${d} including waiting). Image size: 3878 bytes.`;
    expect(replayDifference(ran([pulledIn("1.2s")]), output([pulledIn("0s")]))).toBeUndefined();
  });

  it("does not when the replay has an event more, and says which", () => {
    expect(replayDifference(ran(["x"]), output(["x", "y"]))).toBe("pod a, event 2: the test had no more, the replay Normal Pulled: y");
  });
});
