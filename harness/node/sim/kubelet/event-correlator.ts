/**
 * client-go's EventCorrelator (tools/record/events_cache.go), which every kubelet event passes
 * before it is written to the API server (StartRecordingToSink → recordToSink), on the node's clock:
 *
 * 1. the aggregator: the 10th distinct message within 10 minutes for the same pod, type and reason
 *    becomes one event "(combined from similar events): <message>", counted from then on;
 * 2. the logger: a repeat of the same event (same key) is the same Event with its count raised;
 * 3. the spam filter: 25 events per pod and type, then one per 5 minutes; the rest are dropped
 *    (the count in step 2 is still raised for them).
 *
 * One correlator per kubelet: a restart starts with empty caches. The kubelet's caches are LRUs of
 * 4096 keys, never reached by a scenario here.
 */
import { TokenBucket } from "../../../support/token-bucket.js";

const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
/** defaultSpamQPS = 1/300, a float32 in client-go. */
const SPAM_QPS = Math.fround(1 / 300);

export interface KubeletEvent {
  podUid: string;
  namespace: string;
  pod: string;
  /** The container the event is about (its involvedObject's fieldPath). */
  container: string;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

export type CorrelatedEvent =
  | { dropped: true }
  | {
      dropped: false;
      /** The Event the API server holds; a repeat raises its count. */
      key: string;
      message: string;
      count: number;
    };

export class EventCorrelator {
  private readonly similar = new Map<string, { messages: string[]; last: number }>();
  private readonly counts = new Map<string, number>();
  private readonly spam = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number) {}

  correlate(event: KubeletEvent): CorrelatedEvent {
    const now = this.now();
    const object = [event.namespace, event.pod, event.podUid].join("\u0000");
    const aggregate = this.aggregate(`${object}\u0000${event.type}\u0000${event.reason}`, event.message, now);
    const key = aggregate ?? [object, event.container, event.type, event.reason, event.message].join("\u0000");
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    const spamKey = `${object}\u0000${event.type}`;
    let bucket = this.spam.get(spamKey);
    if (!bucket) this.spam.set(spamKey, (bucket = new TokenBucket(SPAM_QPS, SPAM_BURST, now)));
    if (!bucket.tryAccept(now)) return { dropped: true };
    return { dropped: false, key, message: aggregate ? `(combined from similar events): ${event.message}` : event.message, count };
  }

  /** EventAggregate: the aggregate key once the group holds 10 distinct messages, else undefined. */
  private aggregate(group: string, message: string, now: number): string | undefined {
    let record = this.similar.get(group);
    if (!record || now - record.last > AGGREGATE_INTERVAL_MS) this.similar.set(group, (record = { messages: [], last: now }));
    if (!record.messages.includes(message)) record.messages.push(message);
    record.last = now;
    if (record.messages.length < AGGREGATE_MAX_EVENTS) return undefined;
    // client-go pops an arbitrary message here (sets.String.PopAny, Go's map order); this pops the
    // oldest, so which later message is aggregated can differ from one kubelet run to the next.
    record.messages.shift();
    return group;
  }
}
