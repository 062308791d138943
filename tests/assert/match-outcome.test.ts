import { describe, expect, it } from "vitest";
import { matchOutcome } from "../../harness/assert/match-outcome.js";
import { Timeline } from "../../harness/observe/timeline.js";

const V1 = `sha256:${"1".repeat(64)}`;
const digestOf = (variant: string) => (variant === "v1" ? V1 : `sha256:${"2".repeat(64)}`);

function timelineWith(...entries: Parameters<Timeline["add"]>[0][]): Timeline {
  const timeline = new Timeline();
  for (const entry of entries) timeline.add(entry);
  return timeline;
}

const waiting = (reason: string, message = "") => ({ kind: "status" as const, at: 0, pod: "p", state: { phase: "waiting" as const, reason, message } });
const event = (reason: string) => ({ kind: "event" as const, at: 0, pod: "p", type: "Normal", reason, message: "" });

describe("matchOutcome", () => {
  it("should accept running only with the variant's digest", () => {
    const timeline = timelineWith({ kind: "status", at: 0, pod: "p", state: { phase: "running", reason: "", message: "", imageID: `r/app@${V1}` } });
    const context = { timeline, pod: "p", windowStart: 0, podStart: 0, digestOf };
    expect(matchOutcome({ running: "v1" }, context).holds).toBe(true);
    const wrong = matchOutcome({ running: "v2" }, context);
    expect(wrong.holds).toBe(false);
    expect(wrong.reasons[0]).toContain("not v2");
  });

  it("should accept a waiting reason held when the window opens or taken during it, not one left before", () => {
    const timeline = timelineWith(waiting("ErrImagePull"), waiting("ImagePullBackOff"), waiting("ErrImagePull"));
    expect(matchOutcome({ waiting: "ImagePullBackOff" }, { timeline, pod: "p", windowStart: 0, podStart: 0, digestOf }).holds).toBe(true);
    expect(matchOutcome({ waiting: "ImagePullBackOff" }, { timeline, pod: "p", windowStart: 2, podStart: 0, digestOf }).holds).toBe(true);
    expect(matchOutcome({ waiting: "ImagePullBackOff" }, { timeline, pod: "p", windowStart: 3, podStart: 0, digestOf }).holds).toBe(false);
  });

  it("should match event reasons in order with others between, and refuse forbidden ones", () => {
    const timeline = timelineWith(event("Pulling"), event("Failed"), event("BackOff"), event("Pulling"));
    const context = { timeline, pod: "p", windowStart: 0, podStart: 0, digestOf };
    expect(matchOutcome({ events: ["Pulling", "BackOff", "Pulling"] }, context).holds).toBe(true);
    expect(matchOutcome({ events: ["BackOff", "Failed"] }, context).holds).toBe(false);
    expect(matchOutcome({ noEvents: ["Pulled"] }, context).holds).toBe(true);
    expect(matchOutcome({ noEvents: ["Failed"] }, context).holds).toBe(false);
  });

  it("should count only this pod's registry requests since its run step", () => {
    const request = (pod: string, method: string, path: string) => ({
      kind: "request" as const,
      at: 0,
      pod,
      node: "n",
      method,
      path,
      status: 200,
      bytes: 1,
      user: undefined,
      injected: false,
    });
    const timeline = timelineWith(
      request("p", "HEAD", "/v2/app/manifests/latest"),
      request("other", "GET", "/v2/app/manifests/latest"),
      request("p", "GET", "/v2/app/blobs/sha256:abc"),
    );
    const context = { timeline, pod: "p", windowStart: 0, podStart: 0, digestOf };
    expect(matchOutcome({ requests: { manifestHead: 1, manifestGet: 0, blobGet: 1 } }, context).holds).toBe(true);
    expect(matchOutcome({ requests: { manifestGet: 1 } }, context).reasons[0]).toContain("manifestGet requests: 0");
  });

  it("should check the message of the waiting reason asked for", () => {
    const timeline = timelineWith(waiting("ErrImagePull", "dial tcp: connect: connection refused"), waiting("ImagePullBackOff", "Back-off pulling image"));
    const context = { timeline, pod: "p", windowStart: 0, podStart: 0, digestOf };
    expect(matchOutcome({ waiting: "ErrImagePull", message: "connection refused" }, context).holds).toBe(true);
    expect(matchOutcome({ waiting: "ImagePullBackOff", message: "connection refused" }, context).holds).toBe(false);
  });
});
