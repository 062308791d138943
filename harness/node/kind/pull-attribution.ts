/**
 * Which pod a registry request of a real node was for. The simulation says so in its User-Agent
 * ("pod/<namespace>/<name>"); containerd does not (its CRI PullImage gets the pod's sandbox
 * config but sends "containerd/<version>"), so on kind a request is matched to a pod by time and
 * repository: a manifest request goes to a pod of that repository that was waiting to start when
 * the request arrived, the one with the fewest manifest requests since it last started (so N
 * pods pulling the same image get one each), ties to the oldest pod; a blob request follows the
 * manifest request before it. Container starts are seen by polling, later than they happen, so
 * a request sent before a start is always inside the pod's waiting window.
 */
import { repositoryOfPath, requestKind } from "../../observe/observation.js";
import { repositoryOfImage } from "../../scenario/image-names.js";

interface TrackedPod {
  name: string;
  repo: string;
  createdAt: number;
  deletedAt: number | undefined;
  /** Observed changes between waiting and running, in time order. */
  changes: { at: number; running: boolean }[];
  manifestRequestsAt: number[];
}

export interface AttributableRequest {
  /** Wall-clock ms the request arrived. */
  time: number;
  method: string;
  path: string;
}

export class PullAttribution {
  private readonly pods = new Map<string, TrackedPod>();
  private readonly lastManifestPod = new Map<string, string>();

  podCreated(name: string, image: string, at: number): void {
    const repo = repositoryOfImage(image);
    if (repo) this.pods.set(name, { name, repo, createdAt: at, deletedAt: undefined, changes: [], manifestRequestsAt: [] });
  }

  podObserved(name: string, running: boolean, at: number): void {
    const pod = this.pods.get(name);
    if (pod && (pod.changes.at(-1)?.running ?? false) !== running) pod.changes.push({ at, running });
  }

  podDeleted(name: string, at: number): void {
    const pod = this.pods.get(name);
    if (pod) pod.deletedAt = at;
  }

  /** The pod the request was for, or undefined when no pod of this node could have sent it. Call in log order. */
  attribute(request: AttributableRequest): string | undefined {
    const repo = repositoryOfPath(request.path);
    if (!repo) return undefined;
    const kind = requestKind(request);
    if (kind !== "manifestHead" && kind !== "manifestGet") return this.lastManifestPod.get(repo);
    const waiting = [...this.pods.values()].filter((pod) => pod.repo === repo && this.waitingAt(pod, request.time));
    if (waiting.length === 0) return undefined;
    const since = (pod: TrackedPod) => pod.manifestRequestsAt.filter((t) => t > this.lastStartBefore(pod, request.time)).length;
    const chosen = waiting.reduce((best, pod) => (since(pod) < since(best) ? pod : best));
    chosen.manifestRequestsAt.push(request.time);
    this.lastManifestPod.set(repo, chosen.name);
    return chosen.name;
  }

  private waitingAt(pod: TrackedPod, time: number): boolean {
    if (time < pod.createdAt || (pod.deletedAt !== undefined && time > pod.deletedAt)) return false;
    const last = pod.changes.filter((change) => change.at <= time).at(-1);
    return !(last?.running ?? false);
  }

  private lastStartBefore(pod: TrackedPod, time: number): number {
    return pod.changes.filter((change) => change.running && change.at <= time).at(-1)?.at ?? -Infinity;
  }
}
