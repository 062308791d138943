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
  /** The pull waits until a `release` of the image (or, if its kubelet stops first, is never answered). */
  hold?: boolean;
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
      /** Answered `pending` when it has not finished once the work stops moving. */
      async?: boolean;
    }
  | { op: "step"; seconds: number }
  | { op: "runtime"; pulls: PullRule[] }
  | ({ op: "addImage" } & RuntimeImage)
  | { op: "removeImage"; image: string }
  | { op: "release"; image: string }
  | { op: "await"; call: number }
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
  /** After the kubelet's event correlator: an aggregated event's message is "(combined from similar events): …". */
  message: string;
  /** The Event's count after the correlator (0 when dropped). */
  count: number;
  /** Set by the kubelet's event correlator when the spam filter kept the event from the API server. */
  dropped?: boolean;
}

export interface OracleCriCall {
  method: string;
  /** Left out for calls about no one image (ListImages). */
  image?: string;
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
  /** An async ensureImage that had not finished when its call was answered. */
  pending?: boolean;
  /** This result reports the end of async call N (found finished while call `index` was answered). */
  completes?: number;
  /** restartKubelet: the async calls the old kubelet had in flight, never answered. */
  abandoned?: number[];
  events: OracleEvent[];
  cri: OracleCriCall[];
}

export interface OracleOutput {
  kubeletVersion?: string;
  config: { valid: boolean; errors?: string[] };
  results: OracleResult[];
  /** The KEP-2535 files at the end, as written (pull intents, pulled records), in file-name order. */
  records?: { intents: unknown[]; pulled: unknown[] };
}
