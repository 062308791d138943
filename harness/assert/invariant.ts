/** The security guarantees of DESIGN.md ("Security invariants"), checked on every run where they apply. */

export const INVARIANTS = {
  S1: "Always never starts a container without a successful registry check for that start",
  S2: "No policy starts content whose digest does not verify",
  S3: "No policy falls back on authDenied unless its definition says so",
  S4: "Fallback never widens access: a cached private image only for a pod whose own credentials were verified",
  S5: "Never never contacts the registry",
} as const;

export type InvariantId = keyof typeof INVARIANTS;

export interface InvariantResult {
  id: InvariantId;
  title: string;
  /** held: checked and kept; violated: broken, unexpectedly; expectedViolation: broken as the policy's definition says. */
  verdict: "held" | "violated" | "expectedViolation" | "notApplicable";
  /** The evidence: which pod, which start, which request or event. */
  details: string[];
}
