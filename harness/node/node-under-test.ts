/**
 * What the runner asks of a node under test: the simulated kubelet or a real one in kind.
 * Backends report what happens (container states, events) onto the run's Timeline.
 */
import type { Clock } from "../support/clock.js";
import type { Scenario } from "../scenario/types.js";

/** The registry host every pod spec names; backends map it to the environment's endpoint. */
export const REGISTRY_HOST = "registry.pullcheck.test";

/** The scenario's `node.preloaded` names as full references, with the fixture variant each names. */
export function preloadedImages(scenario: Scenario): { reference: string; variant: string }[] {
  return scenario.node.preloaded.flatMap((name) => {
    const image = scenario.registry.images.find((i) => `${i.repo}:${i.tag}` === name || i.repo === name);
    return image ? [{ reference: `${REGISTRY_HOST}/${image.repo}:${image.tag}`, variant: image.variant }] : [];
  });
}

export interface PodRequest {
  name: string;
  /** The image exactly as it goes into the pod spec. */
  image: string;
  /** Empty means the API server's defaulting applies. */
  imagePullPolicy: string | undefined;
  /** Contents of the pod's image pull secret (registry host → credentials), if it has one. */
  pullSecret?: { name: string; username: string; password: string };
}

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
