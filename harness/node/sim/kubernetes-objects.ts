/**
 * What the simulated node reports, as the Kubernetes API objects a real kubelet produces
 * (@kubernetes/client-node types): Events and the container's status. Both backends are read
 * through these shapes, so the same assertions read the simulation and a real cluster.
 */
import type { CoreV1Event, V1ContainerStatus } from "@kubernetes/client-node";
import type { ContainerState } from "../../observe/observation.js";
import type { SimPod } from "./kubelet/kubelet.js";

export function podEvent(pod: SimPod, nodeName: string, type: "Normal" | "Warning", reason: string, message: string, at: number, count = 1): CoreV1Event {
  const time = new Date(at);
  return {
    metadata: { namespace: pod.namespace, name: `${pod.name}.${at.toString(16)}` },
    involvedObject: {
      kind: "Pod",
      apiVersion: "v1",
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      fieldPath: `spec.containers{${pod.containerName}}`,
    },
    type,
    reason,
    message,
    source: { component: "kubelet", host: nodeName },
    reportingComponent: "kubelet",
    reportingInstance: nodeName,
    firstTimestamp: time,
    lastTimestamp: time,
    count,
  };
}

export function containerStatus(pod: SimPod, state: ContainerState, at: number): V1ContainerStatus {
  const common = { name: pod.containerName, image: pod.image, imageID: state.imageID ?? "", ready: state.phase === "running", restartCount: 0 };
  if (state.phase === "running") return { ...common, started: true, state: { running: { startedAt: new Date(at) } } };
  return { ...common, started: false, state: { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } } };
}

/** The observation a container status amounts to. */
