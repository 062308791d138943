/**
 * The Events a kubelet's recorder sent, as the API server holds them: one Event per correlator
 * key, whose count a repeat raises; read as the kind backend reads Events.
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import type { RecordedEvent, SimPod } from "./kubelet/kubelet.js";
import { podEvent } from "./kubernetes-objects.js";

export class ApiServerEvents {
  readonly all: CoreV1Event[] = [];
  private readonly byKey = new Map<string, CoreV1Event>();

  constructor(private readonly nodeName: string) {}

  /** A new kubelet's correlator writes new Events. */
  newKubelet(): void {
    this.byKey.clear();
  }

  /** How many occurrences the API server now counts that it did not before (0: the spam filter dropped it). */
  record(pod: SimPod, { type, reason, correlated }: RecordedEvent, at: number): number {
    if (correlated.dropped) return 0;
    const existing = this.byKey.get(correlated.key);
    const before = existing?.count ?? 0;
    if (existing) Object.assign(existing, { message: correlated.message, count: correlated.count, lastTimestamp: new Date(at) });
    else {
      const created = podEvent(pod, this.nodeName, type, reason, correlated.message, at, correlated.count);
      this.byKey.set(correlated.key, created);
      this.all.push(created);
    }
    return correlated.count - before;
  }
}
