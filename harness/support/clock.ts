/**
 * Time for the simulation. The simulated kubelet reads time only through a Clock. Two kinds exist:
 * RealClock (wall time; sleeps really wait) and VirtualClock (virtual-clock.ts).
 */

export interface Activity {
  /** Call whenever the work moves forward (bytes read, a step finished). */
  progress(): void;
  /** Call once when the work is over (success or failure). */
  end(): void;
  /**
   * Runs work on this machine alone (reading the image store, hashing a layer): silence while it
   * runs is a busy disk or CPU, never a network that hangs, so it cannot count as a stall.
   */
  whileLocal<T>(work: () => Promise<T>): Promise<T>;
}

/** The activity of a clock that never jumps: nothing to hold. */
export const NO_HOLD_ACTIVITY: Activity = { progress() {}, end() {}, whileLocal: (work) => work() };

export interface Clock {
  readonly kind: "virtual" | "real";
  /** Milliseconds since the Unix epoch on this clock. */
  now(): number;
  /** Resolves once the clock reaches `at` (at once if it already has). Rejects if `signal` aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
  /** Opens a unit of real work that keeps a virtual clock from jumping while it progresses. */
  beginActivity(label: string): Activity;
  /** A fault that makes the network slow or silent on purpose is (not) in force (virtual clocks). */
  setNetworkShaped(shaped: boolean, goesSilent?: boolean): void;
}

export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return clock.sleepUntil(clock.now() + ms, signal);
}

export class RealClock implements Clock {
  readonly kind = "real" as const;
  now(): number {
    return Date.now();
  }
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = setTimeout(done, Math.max(0, at - Date.now()));
      function done() {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(abortReason(signal!));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  beginActivity(): Activity {
    return NO_HOLD_ACTIVITY;
  }
  setNetworkShaped(): void {}
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("aborted");
}
