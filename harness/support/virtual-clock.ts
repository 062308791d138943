/**
 * The simulation's clock. It jumps straight to the next timer when no real work is under way.
 * "Real work" is an Activity: a pull or a registry request opens one and marks progress whenever
 * bytes move. An activity without progress for `stallAfterMs` of real time counts as stalled (a
 * black-holed connection); once every open activity is idle or stalled the clock may jump, so a
 * hang that the kubelet or containerd would wait out for minutes costs about `stallAfterMs` of
 * real time. Work on this machine alone (Activity.whileLocal: the image store, hashing) is never
 * silence: a loaded disk or CPU cannot make it look like a hang. Decisions (back-off windows,
 * deadlines) are made on this clock only.
 *
 * Real time counts only while the network is shaped on purpose (a latency, bandwidth, stall or
 * timeout fault: setNetworkShaped): then the clock flows with real time while work is under way,
 * so a transfer that keeps moving takes its real time. Otherwise work under way takes no virtual
 * time at all, and only a silence of `unshapedStallAfterMs` counts as a hang: a request that is
 * slow because the machine is busy is not a slow network, and must not move the clock.
 */
import { abortReason, type Activity, type Clock } from "./clock.js";
import { TimerQueue, type Timer } from "./timer-queue.js";

interface OpenActivity {
  label: string;
  lastProgressReal: number;
  /** Local work under way (Activity.whileLocal): the activity cannot stall meanwhile. */
  localWork: number;
}

export interface VirtualClockOptions {
  /** Virtual time at creation (ms since epoch). Default 2026-01-01T00:00:00Z. */
  start?: number;
  /** Real milliseconds without progress after which an activity counts as stalled, while the network is shaped. */
  stallAfterMs?: number;
  /** The same while it is not (default: the larger of 10 s and stallAfterMs). */
  unshapedStallAfterMs?: number;
  /** Whether the network starts shaped (default false; tests of hangs set it). */
  networkShaped?: boolean;
}

export const DEFAULT_VIRTUAL_START = Date.UTC(2026, 0, 1);
export const DEFAULT_STALL_AFTER_MS = 1_000;
export const DEFAULT_UNSHAPED_STALL_AFTER_MS = 10_000;
/**
 * Real time a timer's consequences get before the clock may jump again (see fireDue). 100 ms was
 * too little under load (four tests at once, the registry in containers): an aborted request's
 * error had not yet turned into the next pull when the clock jumped to the runner's deadline.
 */
const FIRE_GRACE_MS = 300;
/** How often the clock checks that the event loop keeps up (see startHeartbeat). */
const HEARTBEAT_MS = 50;

export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  private readonly shapedStallAfterMs: number;
  private readonly unshapedStallAfterMs: number;
  private shaped = false;
  /** Whether a fault in force holds connections silent on purpose (see setNetworkShaped). */
  private silentOnPurpose = false;
  /** Virtual time = real time + offset while the network is shaped; frozenNow otherwise. */
  private offset: number;
  private frozenNow: number;
  private readonly timers = new TimerQueue();
  private readonly activities = new Set<OpenActivity>();
  private seq = 0;
  private driving = false;
  private wake: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: VirtualClockOptions = {}) {
    this.shapedStallAfterMs = options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    this.unshapedStallAfterMs = options.unshapedStallAfterMs ?? Math.max(DEFAULT_UNSHAPED_STALL_AFTER_MS, this.shapedStallAfterMs);
    this.frozenNow = options.start ?? DEFAULT_VIRTUAL_START;
    this.offset = this.frozenNow - realNow();
    this.shaped = options.networkShaped ?? false;
    this.silentOnPurpose = this.shaped;
  }

  get stallAfterMs(): number {
    return this.shaped && this.silentOnPurpose ? this.shapedStallAfterMs : this.unshapedStallAfterMs;
  }

  now(): number {
    return this.shaped ? realNow() + this.offset : this.frozenNow;
  }

  /**
   * `goesSilent`: the shaping fault holds connections silent (a stall, a timeout, a latency): then
   * a silence of `stallAfterMs` is a hang. Under a bandwidth limit alone bytes keep moving, and only
   * the unshaped window counts (on a loaded machine a pull's first request under a bandwidth limit
   * once went a second without an answer, and the clock took it for a hang).
   */
  setNetworkShaped(shaped: boolean, goesSilent = shaped): void {
    this.silentOnPurpose = shaped && (goesSilent || (this.shaped && this.silentOnPurpose));
    if (shaped === this.shaped) return this.drive();
    if (shaped) this.offset = this.frozenNow - realNow();
    else this.frozenNow = this.now();
    this.shaped = shaped;
    this.drive();
  }

  /** Moves virtual time forward by `ms` (a jump to the next timer). */
  private advance(ms: number): void {
    if (this.shaped) this.offset += ms;
    else this.frozenNow += ms;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (at <= this.now()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer: Timer = {
        at,
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers.remove(timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.add(timer);
      this.drive();
    });
  }

  beginActivity(label: string): Activity {
    const activity: OpenActivity = { label, lastProgressReal: realNow(), localWork: 0 };
    this.activities.add(activity);
    if (!this.heartbeat) this.startHeartbeat();
    return {
      progress: () => {
        activity.lastProgressReal = realNow();
      },
      whileLocal: async (work) => {
        activity.localWork++;
        try {
          return await work();
        } finally {
          activity.localWork--;
          activity.lastProgressReal = realNow();
          this.drive();
        }
      },
      end: () => {
        if (!this.activities.delete(activity)) return;
        if (this.activities.size === 0) this.stopHeartbeat();
        this.drive();
      },
    };
  }

  /**
   * Silence only counts while this process could have heard something. When the event loop is
   * blocked or starved (a loaded machine), no progress callback can run however fast the bytes
   * come, so the time the loop was late is added back to every open activity.
   */
  private startHeartbeat(): void {
    let last = realNow();
    this.heartbeat = setInterval(() => {
      const now = realNow();
      const late = now - last - HEARTBEAT_MS;
      last = now;
      if (late > 0) for (const activity of this.activities) activity.lastProgressReal += late;
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Labels of the activities that keep the clock from jumping right now (for diagnostics). */
  busyActivities(): string[] {
    const now = realNow();
    return [...this.activities].filter((a) => a.localWork > 0 || now - a.lastProgressReal < this.stallAfterMs).map((a) => a.label);
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    // Let every promise continuation that is already queued run before deciding to jump.
    setImmediate(() => setImmediate(() => this.step()));
  }

  private step(): void {
    this.driving = false;
    if (this.wake) {
      clearTimeout(this.wake);
      this.wake = undefined;
    }
    // A timer that fell due in real time (the clock was held until a moment ago) wakes its
    // sleeper first; the clock may jump only on a later step, once that sleeper has had its turn.
    if (this.fireDue()) {
      if (this.timers.size > 0) this.drive();
      return;
    }
    const next = this.timers.first();
    if (!next) return;
    const waitReal = this.realWaitBeforeJump();
    if (waitReal <= 0) {
      const gap = next.at - this.now();
      if (gap > 0) this.advance(gap);
      this.fireDue();
      if (this.timers.size > 0) this.drive();
      return;
    }
    // Busy: look again when an activity may stall, or (real time flowing) when the next timer is due.
    const untilTimer = this.shaped ? Math.max(0, next.at - this.now()) : Infinity;
    this.wake = setTimeout(() => this.drive(), Math.max(1, Math.min(untilTimer, waitReal)));
  }

  /** 0 when the clock may jump now, otherwise real ms until the busiest activity could stall. */
  private realWaitBeforeJump(): number {
    const now = realNow();
    let wait = 0;
    for (const activity of this.activities) {
      const lastProgress = activity.localWork > 0 ? now : activity.lastProgressReal;
      wait = Math.max(wait, lastProgress + this.stallAfterMs - now);
    }
    return wait;
  }

  /** Wakes every sleeper whose time has come; true if there was one. */
  private fireDue(): boolean {
    const now = this.now();
    const due = this.timers.takeDue(now);
    for (const timer of due) timer.resolve();
    const fired = due.length > 0;
    // What a timer sets off (an aborted request, a retry) runs on real I/O callbacks: give every
    // open activity a short grace before the clock may jump again, so it is not overtaken.
    if (fired) {
      const grace = realNow() - this.stallAfterMs + Math.min(FIRE_GRACE_MS, this.stallAfterMs);
      for (const activity of this.activities) activity.lastProgressReal = Math.max(activity.lastProgressReal, grace);
    }
    return fired;
  }
}

function realNow(): number {
  return performance.timeOrigin + performance.now();
}
