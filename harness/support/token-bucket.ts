/**
 * A non-blocking token bucket, as golang.org/x/time/rate's `Limiter.AllowN(now, 1)` behaves behind
 * client-go's `flowcontrol` TryAccept: full at first, refilled continuously at `perSecond`, never
 * above `burst`; a refused take changes nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  tryAccept(now: number): boolean {
    const tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
    if (tokens < 1) return false;
    this.tokens = tokens - 1;
    this.last = now;
    return true;
  }
}
