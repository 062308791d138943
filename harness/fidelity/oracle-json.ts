/**
 * The oracle's JSON (`pullcheck.oracle/v1`, docs/oracle.md): a sequence of calls into a
 * kubelet's image path, and what the kubelet answered. The parts both answerers speak.
 */
import type { NodeConfig } from "../scenario/types.js";

export interface RuntimeImage {
  image: string;
  ref?: string;
  size?: number;
}

/** How the runtime answers a pull of `image` (until replaced). */
export interface PullRule {
  image: string;
  ref?: string;
  size?: number;
  /** The pull fails with this gRPC code and message. */
  error?: { code: string; message: string };
  /** The pull succeeds only with one of these credentials; others fail with `authError`. */
  auth?: Array<{ username: string; password: string }>;
  authError?: { code: string; message: string };
}

export interface PullSecret {
  name: string;
  registry: string;
  username: string;
  password: string;
}

export type OracleCall =
  | {
      op: "ensureImage";
      pod: { name: string; namespace?: string; uid?: string };
      container: { name?: string; image: string; imagePullPolicy?: string };
      pullSecrets?: PullSecret[];
    }
  | { op: "step"; seconds: number }
  | { op: "runtime"; pulls: PullRule[] }
  | ({ op: "addImage" } & RuntimeImage)
  | { op: "removeImage"; image: string }
  | { op: "deletePod"; pod: { name: string } }
  | { op: "restartKubelet" }
  | { op: "records" };

export interface OracleInput {
  apiVersion: "pullcheck.oracle/v1";
  /** The image fields of a KubeletConfiguration (v1beta1), as scenarios give them. */
  kubeletConfig?: NodeConfig;
  images?: RuntimeImage[];
  pulls?: PullRule[];
  calls: OracleCall[];
}

export interface OracleEvent {
  pod: string;
  type: string;
  reason: string;
  message: string;
  /** Set by the kubelet's event correlator when the spam filter kept the event from the API server. */
  dropped?: boolean;
}

export interface OracleCriCall {
  method: string;
  image: string;
  auth?: { username: string; password: string };
  /** The image's ref, or "absent" when ImageStatus found none. */
  ref?: string;
  /** "Code: message" of a failed call. */
  error?: string;
}

export interface OracleResult {
  index: number;
  op: string;
  at: number;
  imagePullPolicy?: string;
  imageRef?: string;
  message?: string;
  error?: string;
  events: OracleEvent[];
  cri: OracleCriCall[];
}

export interface OracleOutput {
  kubeletVersion?: string;
  config: { valid: boolean; errors?: string[] };
  results: OracleResult[];
}
