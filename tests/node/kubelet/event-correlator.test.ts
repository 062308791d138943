/**
 * client-go's EventCorrelator as the kubelet's events meet it (tools/record/events_cache.go):
 * repeats counted, 25 per pod and type then one per 5 minutes, similar messages aggregated.
 */
import { describe, expect, it } from "vitest";
import { EventCorrelator, type KubeletEvent } from "../../../harness/node/sim/kubelet/event-correlator.js";

const failed = (message: string, pod = "a"): KubeletEvent => ({
  podUid: `${pod}-uid`,
  namespace: "default",
  pod,
  container: "app",
  type: "Warning",
  reason: "Failed",
  message,
});

function correlator() {
  let now = 0;
  const c = new EventCorrelator(() => now);
  return { c, step: (seconds: number) => (now += seconds * 1000) };
}

describe("EventCorrelator", () => {
  it("should count a repeated event on one Event", () => {
    const { c } = correlator();
    expect([1, 2, 3].map(() => c.correlate(failed("Error: ErrImagePull")))).toMatchObject([{ count: 1 }, { count: 2 }, { count: 3 }]);
    expect(c.correlate(failed("Error: ImagePullBackOff"))).toMatchObject({ dropped: false, count: 1 });
  });

  it("should let 25 events per pod and type through, then one per 5 minutes", () => {
    const { c, step } = correlator();
    const through = Array.from({ length: 30 }, () => !c.correlate(failed("Error: ErrImagePull")).dropped);
    expect(through.filter(Boolean)).toHaveLength(25);
    expect(through.slice(25)).toEqual([false, false, false, false, false]);
    expect(c.correlate(failed("Error: ErrImagePull", "b")).dropped).toBe(false); // another pod
    expect(c.correlate({ ...failed("x"), type: "Normal", reason: "BackOff" }).dropped).toBe(false); // another type
    step(299);
    expect(c.correlate(failed("Error: ErrImagePull")).dropped).toBe(true);
    step(1);
    // The dropped ones were counted too: the Event the API server gets next says 32.
    expect(c.correlate(failed("Error: ErrImagePull"))).toEqual({ dropped: false, key: expect.any(String), message: "Error: ErrImagePull", count: 32 });
    expect(c.correlate(failed("Error: ErrImagePull")).dropped).toBe(true);
  });

  it("should combine the 10th distinct message of a pod's reason within 10 minutes into one aggregate event", () => {
    const { c, step } = correlator();
    const answers = Array.from({ length: 12 }, (_, i) => {
      step(60);
      return c.correlate(failed(`Failed to pull image: attempt ${i}`));
    });
    expect(answers.slice(0, 9).map((a) => !a.dropped && a.message)).toEqual(Array.from({ length: 9 }, (_, i) => `Failed to pull image: attempt ${i}`));
    expect(answers[9]).toMatchObject({ message: "(combined from similar events): Failed to pull image: attempt 9", count: 1 });
    expect(answers[11]).toMatchObject({ message: "(combined from similar events): Failed to pull image: attempt 11", count: 3 });
  });

  it("should start a group again after 10 minutes without a similar event", () => {
    const { c, step } = correlator();
    for (let i = 0; i < 9; i++) c.correlate(failed(`attempt ${i}`));
    step(601);
    expect(c.correlate(failed("attempt 9"))).toMatchObject({ message: "attempt 9", count: 1 });
  });
});
