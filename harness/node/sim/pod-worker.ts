/**
 * One pod's worker: syncs the pod until its container runs, re-queueing after every failed sync,
 * as the kubelet's pod workers do. The kubelet re-queues a pod after a sync error with
 * wait.Jitter(10s, 0.5) = 10–15 s (pkg/kubelet/pod_workers.go, workerBackOffPeriodJitterFactor);
 * here the lower bound, 10 s, so runs are deterministic.
 */
import type { Activity, Clock } from "../../support/clock.js";
import type { ContainerState } from "../../observe/observation.js";

export const WORKER_RESYNC_MS = 10_000;

export type SyncResult = { imageID: string } | { error: { reason: string; message: string } };

export interface PodWorkerHooks {
  /** One start attempt: ensure the image (pull, fallback, back-off …) and say how it went. */
  /** One sync; `activity` holds the clock while it runs (progress on bytes, whileLocal for local work). */
  syncOnce: (signal: AbortSignal, activity: Activity) => Promise<SyncResult>;
  /** The container's state changed. */
  onState: (state: ContainerState) => void;
  /** A sync threw (a bug or an infrastructure failure, not a pull failure). */
  onCrash: (error: unknown) => void;
}

export class PodWorker {
  /** Ends the loop: no further sync starts. */
  private readonly stopping = new AbortController();
  /** Cancels the registry calls of the sync in flight. */
  private readonly cancelling = new AbortController();
  private state: ContainerState = { phase: "creating", reason: "ContainerCreating", message: "" };
  private loop: Promise<void> | undefined;
  private announced: boolean;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: PodWorkerHooks,
    private readonly resyncMs = WORKER_RESYNC_MS,
    initial?: ContainerState,
  ) {
    if (initial) this.state = initial;
    this.announced = initial !== undefined;
  }

  get current(): ContainerState {
    return this.state;
  }

  /** Starts syncing (again, after a kubelet restart) unless the container already runs. */
  start(): void {
    if (!this.announced) {
      this.announced = true;
      this.hooks.onState(this.state);
    }
    if (this.state.phase === "running" || this.loop) return;
    this.loop = this.run().finally(() => (this.loop = undefined));
  }

  /**
   * Stops syncing and cancels the sync in flight (a kubelet that stops, a node that closes); the
   * container keeps the state it has (a running container keeps running).
   */
  async stop(): Promise<void> {
    this.cancelling.abort(new Error("pod worker stopped"));
    this.stopping.abort(new Error("pod worker stopped"));
    await this.loop;
  }

  /**
   * The pod was deleted: no further sync, and no further state, but a sync in flight runs to its
   * end, pull and KEP-2535 record included, as the kubelet's SyncPod does under
   * context.WithoutCancel (pkg/kubelet/kubelet.go, SyncPod: `sctx := context.WithoutCancel(ctx)`).
   * Resolves when that sync has ended.
   */
  async release(): Promise<void> {
    this.stopping.abort(new Error("pod deleted"));
    await this.loop;
  }

  private async run(): Promise<void> {
    const stopped = this.stopping.signal;
    while (!stopped.aborted && this.state.phase !== "running") {
      const activity = this.clock.beginActivity("pod sync");
      let result: SyncResult;
      try {
        result = await this.hooks.syncOnce(this.cancelling.signal, activity);
      } catch (error) {
        if (!this.cancelling.signal.aborted) this.hooks.onCrash(error);
        return;
      } finally {
        activity.end();
      }
      if (stopped.aborted) return;
      if ("imageID" in result) {
        this.setState({ phase: "running", reason: "", message: "", imageID: result.imageID });
        return;
      }
      this.setState({ phase: "waiting", reason: result.error.reason, message: result.error.message });
      try {
        await this.clock.sleepUntil(this.clock.now() + this.resyncMs, stopped);
      } catch {
        return;
      }
    }
  }

  private setState(next: ContainerState): void {
    const same =
      next.phase === this.state.phase && next.reason === this.state.reason && next.message === this.state.message && next.imageID === this.state.imageID;
    this.state = next;
    if (!same) this.hooks.onState(next);
  }
}
