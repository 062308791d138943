import type { ContainerState, Observation, ObservationKind, ObservationOf } from "./observation.js";

/** An append-only log of observations that waiters can follow. */
export class Timeline {
  private readonly entries: Observation[] = [];
  private waiters: Array<() => void> = [];
  private feeder: (() => void) | undefined;
  private feeding = false;

  /**
   * Sets a source of observations that happen outside the node (the registry's access log): it
   * is drained before every new observation, so the timeline keeps the order things happened in.
   */
  feedFrom(feeder: () => void): void {
    this.feeder = feeder;
  }

  add(observation: Observation): void {
    if (this.feeder && !this.feeding) {
      this.feeding = true;
      try {
        this.feeder();
      } finally {
        this.feeding = false;
      }
    }
    this.entries.push(observation);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  all(): readonly Observation[] {
    return this.entries;
  }

  get length(): number {
    return this.entries.length;
  }

  of<K extends ObservationKind>(kind: K, from = 0): ObservationOf<K>[] {
    return this.entries.slice(from).filter((o): o is ObservationOf<K> => o.kind === kind);
  }

  /** The pod's last container state, or undefined before the pod exists. */
  latestState(pod: string): ContainerState | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (entry.kind === "status" && entry.pod === pod) return entry.state;
    }
    return undefined;
  }

  /** Resolves at the next observation (or when the signal aborts). */
  next(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = () => {
        signal?.removeEventListener("abort", wake);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener("abort", wake, { once: true });
    });
  }
}
