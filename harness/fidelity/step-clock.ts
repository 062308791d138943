/** A clock that moves only when told: the oracle's fake clock, for the simulated kubelet. */
import { NO_HOLD_ACTIVITY, type Activity, type Clock } from "../support/clock.js";

export class StepClock implements Clock {
  readonly kind = "virtual" as const;
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  step(ms: number): void {
    this.current += ms;
  }

  async sleepUntil(at: number): Promise<void> {
    if (at > this.current) throw new Error("nothing in the kubelet's image path sleeps: a sequence moves the clock with step");
  }

  beginActivity(): Activity {
    return NO_HOLD_ACTIVITY;
  }
  setNetworkShaped(): void {}
}
