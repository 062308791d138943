import type { V1ContainerStatus } from "@kubernetes/client-node";
import type { ContainerState } from "./observation.js";

/** A container status as the kubelet writes it (either backend) → the state the assertions read. */
export function stateOf(status: V1ContainerStatus): ContainerState {
  if (status.state?.running) return { phase: "running", reason: "", message: "", imageID: status.imageID };
  const waiting = status.state?.waiting;
  return { phase: waiting?.reason === "ContainerCreating" ? "creating" : "waiting", reason: waiting?.reason ?? "", message: waiting?.message ?? "" };
}
