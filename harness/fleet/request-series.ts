/**
 * The registry's requests over a storm, second by second of the fleet's virtual clock: what a
 * plot of the registry's load shows. Sampled by the storm's own one-second steps, so a request
 * counts in the second in which the clock stood when the gate logged it.
 */
import { requestKind, type RequestKind } from "../observe/observation.js";
import type { Clock } from "../support/clock.js";

export type RequestCounts = Record<RequestKind, number>;

export interface RequestsInSecond extends RequestCounts {
  /** Virtual seconds since the pods were started. */
  second: number;
}

export class RequestSeries {
  private seen = 0;
  private sampledAt: number;
  private readonly seconds = new Map<number, RequestsInSecond>();

  constructor(
    private readonly log: () => readonly { method: string; path: string }[],
    private readonly clock: Clock,
    private readonly startedAt: number,
  ) {
    this.sampledAt = startedAt;
  }

  /** Counts the requests logged since the last sample in the second the last sample was taken. */
  sample(): void {
    const entries = this.log();
    const second = Math.floor((this.sampledAt - this.startedAt) / 1000);
    for (const entry of entries.slice(this.seen)) {
      const counts = this.seconds.get(second) ?? { second, manifestHead: 0, manifestGet: 0, blobGet: 0, other: 0 };
      counts[requestKind(entry)]++;
      this.seconds.set(second, counts);
    }
    this.seen = entries.length;
    this.sampledAt = this.clock.now();
  }

  /** The seconds in which the registry saw any request, in order. */
  nonEmptySeconds(): RequestsInSecond[] {
    return [...this.seconds.values()].sort((a, b) => a.second - b.second);
  }
}
