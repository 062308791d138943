/**
 * Registry errors as the kubelet receives them from containerd's CRI: the CRI wraps the
 * failure (`failed to pull and unpack image "<ref>": …`, internal/cri/server/images/image_pull.go),
 * gRPC gives it a code from the errdefs class (errgrpc: not found → NotFound, failed precondition
 * → FailedPrecondition, context canceled → Canceled, deadline → DeadlineExceeded, else Unknown),
 * and the kubelet's CRI client (1.28+) strips `rpc error: code = Unknown desc = ` but keeps the
 * prefix of every other code. `message` is that final text; `grpcCode` and `description` let an
 * older-kubelet model put the Unknown prefix back.
 */
import { PullError } from "../cri.js";
import type { ErrdefsKind, RegistryError } from "../registry-client/registry-error.js";

export type GrpcCode = "Unknown" | "NotFound" | "FailedPrecondition" | "Canceled" | "DeadlineExceeded";

const CODES: Record<ErrdefsKind, GrpcCode> = {
  unknown: "Unknown",
  notFound: "NotFound",
  failedPrecondition: "FailedPrecondition",
  canceled: "Canceled",
  deadlineExceeded: "DeadlineExceeded",
};

export class CriPullError extends PullError {
  readonly grpcCode: GrpcCode;
  /** The gRPC status description (the runtime's text without any prefix). */
  readonly description: string;

  constructor(error: RegistryError, context: string | undefined) {
    const description = context === undefined ? error.message : `${context}: ${error.message}`;
    const grpcCode = CODES[error.kind];
    const message = grpcCode === "Unknown" ? description : `rpc error: code = ${grpcCode} desc = ${description}`;
    super(message, error.failureClass, error.status, { cause: error });
    this.name = "CriPullError";
    this.grpcCode = grpcCode;
    this.description = description;
  }
}
