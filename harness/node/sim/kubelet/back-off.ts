/**
 * client-go's flowcontrol.Backoff as the kubelet uses it for image pulls (NewBackOff(10s, 300s),
 * no jitter): Next doubles up to max, an entry not updated for more than 2×max starts over,
 * IsInBackOffSinceUpdate uses a strict <, GC drops entries older than 2×max.
 */
export class BackOff {
  private readonly entries = new Map<string, { backoff: number; lastUpdate: number }>();

  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
  ) {}

  next(id: string, now: number): void {
    const entry = this.entries.get(id);
    if (!entry || this.expired(entry, now)) this.entries.set(id, { backoff: this.initialMs, lastUpdate: now });
    else this.entries.set(id, { backoff: Math.min(entry.backoff * 2, this.maxMs), lastUpdate: now });
  }

  inBackOff(id: string, now: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.expired(entry, now)) return false;
    return now - entry.lastUpdate < entry.backoff;
  }

  /** Current back-off window of an id (for tests and reports). */
  get(id: string): number | undefined {
    return this.entries.get(id)?.backoff;
  }

  gc(now: number): void {
    for (const [id, entry] of this.entries) if (this.expired(entry, now)) this.entries.delete(id);
  }

  private expired(entry: { lastUpdate: number }, now: number): boolean {
    return now - entry.lastUpdate > 2 * this.maxMs;
  }
}
