/**
 * The restart storm as a scenario model: every node has the previous release (`app:latest` →
 * `cachedVariant`) in its image store; the registry's tag now points at the new release
 * (`latestVariant`); when the outage heals, every node starts a pod with `app:latest` at once.
 */
import type { Scenario } from "../scenario/scenario.js";

export const FLEET_REPO = "app";
export const FLEET_TAG = "latest";

export function fleetScenario(cachedVariant: string): Scenario {
  return {
    file: "(fleet)",
    id: "fleet/restart-storm",
    title: "Restart storm after an outage",
    registry: { users: {}, images: [{ repo: FLEET_REPO, tag: FLEET_TAG, variant: cachedVariant }] },
    node: { preloaded: [`${FLEET_REPO}:${FLEET_TAG}`], config: { serializeImagePulls: true } },
    steps: [],
  };
}
