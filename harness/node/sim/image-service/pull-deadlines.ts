/**
 * Deadlines of a pull, measured on the node's Clock (so a virtual clock can skip a hang):
 * - containerd's `image_pull_progress_timeout` (default 5m): no bytes for that long → cancel
 *   (internal/cri/server/images/image_pull.go pullProgressReporter). containerd checks on a 10 s
 *   ticker, so it cancels up to ~10-20 s later than the timeout; here exactly at the timeout.
 * - a fixed deadline (a policy's resolve timeout), like Go's context.WithTimeout.
 * On expiry the pull's AbortController aborts with a ContextDone reason.
 */
import type { Clock } from "../../../support/clock.js";
import { ContextDone } from "../registry-client/request-context.js";

export const IMAGE_PULL_PROGRESS_TIMEOUT_MS = 5 * 60_000;

export class PullDeadlines {
  private readonly stopped = new AbortController();
  private lastProgress: number;

  constructor(
    private readonly clock: Clock,
    private readonly controller: AbortController,
  ) {
    this.lastProgress = clock.now();
  }

  progress(): void {
    this.lastProgress = this.clock.now();
  }

  /** Cancels when no progress was seen for `timeoutMs`. */
  watchProgress(timeoutMs: number): void {
    if (timeoutMs <= 0) return;
    void (async () => {
      for (;;) {
        const due = this.lastProgress + timeoutMs;
        await this.clock.sleepUntil(due, this.stopped.signal);
        if (this.clock.now() >= this.lastProgress + timeoutMs) {
          this.controller.abort(new ContextDone("canceled"));
          return;
        }
      }
    })().catch(() => {});
  }

  /** Ends the request `timeoutMs` from now, as context.WithTimeout does. */
  deadline(timeoutMs: number): void {
    void this.clock
      .sleepUntil(this.clock.now() + timeoutMs, this.stopped.signal)
      .then(() => this.controller.abort(new ContextDone("deadlineExceeded")))
      .catch(() => {});
  }

  stop(): void {
    this.stopped.abort();
  }
}
