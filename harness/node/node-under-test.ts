/**
 * What the runner asks of a node under test: the simulated kubelet or a real one in kind.
 * Backends report what happens (container states, events) onto the run's Timeline.
 */
import type { Clock } from "../support/clock.js";
import type { PodRequest } from "../scenario/steps/index.js";

export interface NodeUnderTest {
  readonly backend: string;
  readonly clock: Clock;
  createPod(pod: PodRequest): Promise<void>;
  deletePod(name: string): Promise<void>;
  /** Image garbage collection of one image reference. */
  removeImage(image: string): Promise<void>;
  /** Restart the node agent: in-memory state is lost, the image store and pull records stay. */
  restartKubelet(): Promise<void>;
  /** Re-checks stored content of a running container's image; undefined when the backend cannot tell. */
  contentVerified(pod: string, imageID: string): boolean | undefined;
  close(): Promise<void>;
}
