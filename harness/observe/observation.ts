/**
 * What the runner saw, on one timeline, in the order it happened. Every backend reports in these
 * terms, so the same assertions and the same report read the simulation and a real kubelet.
 */

export type ContainerPhase = "creating" | "waiting" | "running";

export interface ContainerState {
  phase: ContainerPhase;
  /** Waiting reason (ContainerCreating, ErrImagePull, ImagePullBackOff, …); empty when running. */
  reason: string;
  message: string;
  /** "repo@sha256:…" once running. */
  imageID?: string;
}

export type Observation =
  | { kind: "step"; at: number; index: number; text: string }
  | { kind: "status"; at: number; pod: string; state: ContainerState }
  | { kind: "event"; at: number; pod: string; type: string; reason: string; message: string }
  | {
      kind: "request";
      at: number;
      pod: string | undefined;
      /** Set when the client did not name the pod and the node matched the request to it by time (kind). */
      podMatchedByTime?: true;
      node: string | undefined;
      method: string;
      path: string;
      status: number;
      bytes: number;
      /** Basic-auth user the request carried, when any. */
      user: string | undefined;
      /** Fingerprint of the user and password it carried (support/credential-fingerprint.ts). */
      credential?: string;
      /** The digest the registry answered with (Docker-Content-Digest), for manifests. */
      digest?: string;
      /** Set when the gate answered instead of the registry (an injected HTTP fault). */
      injected: boolean;
      /** Set when the client's connection closed before the whole answer was sent. */
      aborted?: true;
    }
  | { kind: "fault"; at: number; text: string }
  | { kind: "note"; at: number; text: string };

export type ObservationKind = Observation["kind"];
export type ObservationOf<K extends ObservationKind> = Extract<Observation, { kind: K }>;

export type RequestKind = "manifestHead" | "manifestGet" | "blobGet" | "other";

export function requestKind(request: { method: string; path: string }): RequestKind {
  const manifests = /^\/v2\/.+\/manifests\/[^/]+$/.test(request.path);
  const blobs = /^\/v2\/.+\/blobs\/[^/]+$/.test(request.path);
  if (manifests && request.method === "HEAD") return "manifestHead";
  if (manifests && request.method === "GET") return "manifestGet";
  if (blobs && request.method === "GET") return "blobGet";
  return "other";
}

/** The repository a registry API path names ("/v2/team/app/manifests/v1" → "team/app"). */
export function repositoryOfPath(path: string): string | undefined {
  return /^\/v2\/(.+)\/(?:manifests|blobs)\/[^/]+$/.exec(path)?.[1];
}
