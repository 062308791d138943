/**
 * What the kind backend sends to the API server and how it reads what comes back: the pod and the
 * image pull secret for a PodRequest, and Events and container statuses as timeline observations.
 * Pure functions, tested without a cluster.
 */
import type { CoreV1Event, V1Pod, V1Secret } from "@kubernetes/client-node";
import type { Observation } from "../../observe/observation.js";
import { stateOf } from "../../observe/container-state-of.js";
import { type PodRequest } from "../../scenario/steps/index.js";
import { REGISTRY_HOST } from "../../scenario/image-names.js";

export const KIND_NAMESPACE = "pullcheck";

/** The pod, bound to `nodeName` when given (the scheduler is not asked: the test owns that node). */
export function podManifest(request: PodRequest, namespace = KIND_NAMESPACE, nodeName?: string): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: request.name, namespace, labels: { "app.kubernetes.io/managed-by": "pullcheck" } },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 0,
      // No token volume: like the simulation's pods, nothing to mount, and no wait for the
      // namespace's kube-root-ca.crt ConfigMap before the container can start.
      automountServiceAccountToken: false,
      containers: [{ name: "app", image: request.image, ...(request.imagePullPolicy ? { imagePullPolicy: request.imagePullPolicy } : {}) }],
      ...(request.pullSecret ? { imagePullSecrets: [{ name: request.pullSecret.name }] } : {}),
    },
  };
}

/** A kubernetes.io/dockerconfigjson secret with the pod's credentials for the registry host. */
export function pullSecretManifest(secret: NonNullable<PodRequest["pullSecret"]>, namespace = KIND_NAMESPACE): V1Secret {
  const auth = Buffer.from(`${secret.username}:${secret.password}`).toString("base64");
  const config = { auths: { [REGISTRY_HOST]: { username: secret.username, password: secret.password, auth } } };
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name: secret.name, namespace },
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify(config)).toString("base64") },
  };
}

/** The pod's container state, or undefined while the pod has no container status yet. */
export function statusObservation(pod: V1Pod, at: number): Extract<Observation, { kind: "status" }> | undefined {
  const status = pod.status?.containerStatuses?.find((s) => s.name === "app");
  if (!status) return undefined;
  return { kind: "status", at, pod: pod.metadata!.name!, state: stateOf(status) };
}

/**
 * New occurrences of Events about pods: the API server folds repeats into one Event with a count,
 * so an Event seen before with count n and now with count m stands for m − n more occurrences.
 */
export class EventReader {
  private readonly seen = new Map<string, number>();

  read(events: CoreV1Event[], at: number): Extract<Observation, { kind: "event" }>[] {
    const fresh: Extract<Observation, { kind: "event" }>[] = [];
    const ordered = [...events].sort((a, b) => timeOf(a) - timeOf(b));
    for (const event of ordered) {
      if (event.involvedObject?.kind !== "Pod" || !event.involvedObject.name) continue;
      const key = event.metadata?.uid ?? `${event.involvedObject.name}/${event.reason}/${event.message}`;
      const count = event.count ?? event.series?.count ?? 1;
      const before = this.seen.get(key) ?? 0;
      this.seen.set(key, Math.max(before, count));
      for (let i = before; i < count; i++) {
        fresh.push({
          kind: "event",
          at,
          pod: event.involvedObject.name,
          type: event.type ?? "Normal",
          reason: event.reason ?? "",
          message: event.message ?? "",
        });
      }
    }
    return fresh;
  }
}

/**
 * The images in the node that came from the registry host, from `crictl images -o json`, by ID.
 * The list is filtered here: containerd's CRI ListImages ignores the request's filter, so
 * `crictl images <name>` can return every image in the node, kind's own included.
 */
export function registryImageIds(crictlImagesJson: string): string[] {
  const listed = JSON.parse(crictlImagesJson) as { images?: { id: string; repoTags?: string[] | null; repoDigests?: string[] | null }[] };
  const fromRegistry = (name: string) => name.startsWith(`${REGISTRY_HOST}/`);
  return (listed.images ?? []).filter((image) => [...(image.repoTags ?? []), ...(image.repoDigests ?? [])].some(fromRegistry)).map((image) => image.id);
}

function timeOf(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when as unknown as string).getTime() : 0;
}
