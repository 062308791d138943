/**
 * A virtual clock's sleepers in the order they wake: by time, then by the order they slept.
 * Inserting and removing find their place by binary search: a fleet of thousands of nodes keeps
 * thousands of sleepers, and a sort or a scan per sleep made that quadratic.
 */
export interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class TimerQueue {
  private readonly timers: Timer[] = [];

  get size(): number {
    return this.timers.length;
  }

  first(): Timer | undefined {
    return this.timers[0];
  }

  add(timer: Timer): void {
    this.timers.splice(this.indexOf(timer), 0, timer);
  }

  remove(timer: Timer): void {
    const index = this.indexOf(timer);
    if (this.timers[index] === timer) this.timers.splice(index, 1);
  }

  /** Takes every timer due at `now`, in order. */
  takeDue(now: number): Timer[] {
    let due = 0;
    while (due < this.timers.length && this.timers[due]!.at <= now) due++;
    return this.timers.splice(0, due);
  }

  /** Where `timer` is, or would go. */
  private indexOf(timer: Timer): number {
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.timers[middle]!;
      if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
