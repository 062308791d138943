/**
 * What went wrong in a storm, from the nodes' own Events: every `Failed to pull image …` message
 * with how many times it was recorded (an Event's count), and how many pods pulled more than once (a pull that failed
 * and was retried after its back-off). A storm with no fault injected should show neither.
 */
import type { CoreV1Event } from "@kubernetes/client-node";

export interface PullFailures {
  /** `Failed` event messages of pulls, by how often they were recorded across the fleet. */
  messages: Record<string, number>;
  /** Pods with more than one `Pulling` event. */
  podsPulledMoreThanOnce: number;
}

const MAX_MESSAGE_LENGTH = 1_000;

export function pullFailures(eventsPerNode: Iterable<readonly CoreV1Event[]>): PullFailures {
  const messages: Record<string, number> = {};
  let podsPulledMoreThanOnce = 0;
  for (const events of eventsPerNode) {
    let pulls = 0;
    for (const event of events) {
      const count = event.count ?? 1;
      if (event.reason === "Pulling") pulls += count;
      const message = event.message ?? "";
      if (event.reason === "Failed" && message.startsWith("Failed to pull image")) {
        const key = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
        messages[key] = (messages[key] ?? 0) + count;
      }
    }
    if (pulls > 1) podsPulledMoreThanOnce++;
  }
  return { messages, podsPulledMoreThanOnce };
}

export function failedPulls(failures: PullFailures): number {
  return Object.values(failures.messages).reduce((sum, count) => sum + count, 0);
}
