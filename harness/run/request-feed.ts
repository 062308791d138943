/**
 * Copies the registry's access log (the gate's) onto a test's timeline as it grows. Requests made
 * before the node existed (the scenario's setup, a real node's preloading) are not the test's.
 */
import type { Timeline } from "../observe/timeline.js";
import type { RequestLogEntry, RunWorld } from "./run-world.js";

export class RequestFeed {
  private seen = 0;
  private firstOfTheTest = 0;

  constructor(
    private readonly world: RunWorld,
    private readonly timeline: Timeline,
  ) {}

  /** From now on, requests belong to the test. */
  startCounting(): void {
    this.seen = this.world.environment.requests().length;
    this.firstOfTheTest = this.seen;
  }

  /** Adds the requests logged since the last call, stamped `now`. */
  refresh(now: number): void {
    const log = this.world.environment.requests();
    for (const entry of log.slice(this.seen)) this.timeline.add(this.world.toRequestObservation(entry, now));
    this.seen = log.length;
  }

  /** The test's requests, for its timing figures. */
  testRequests(): readonly RequestLogEntry[] {
    return this.world.environment.requests().slice(this.firstOfTheTest);
  }
}
