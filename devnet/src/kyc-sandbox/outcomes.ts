/**
 * Deterministic outcomes: what the sandbox decides is read from what the person typed, so tests
 * and demos choose it. Case-insensitive, on the full name (first + last) unless said otherwise.
 */

export type SandboxCheck = "document" | "liveness" | "sanctions" | "pep";
export const SANDBOX_CHECKS: readonly SandboxCheck[] = ["document", "liveness", "sanctions", "pep"];

export interface SandboxDecision {
  reviewAnswer: "GREEN" | "RED";
  /** RED only: FINAL (rejected) or RETRY (the person may submit again). */
  reviewRejectType?: "FINAL" | "RETRY";
  /** Provider-specific labels (Sumsub's style); the issuer's adapter maps them. */
  rejectLabels: string[];
  /** Milliseconds before the decision lands ("slow"). */
  delayMs: number;
}

export interface Submission {
  firstName: string;
  lastName: string;
  documentNumber: string;
}

/**
 * | input contains               | outcome                                     |
 * | ---------------------------- | ------------------------------------------- |
 * | "reject" (name)              | RED FINAL, FORGERY (rejected)               |
 * | "sanction" (name)            | RED FINAL, SANCTIONS (rejected)             |
 * | "pep" (name)                 | RED FINAL, PEP (rejected)                   |
 * | "resubmit" (name)            | RED RETRY, BAD_PROOF_OF_IDENTITY            |
 * | "expired" (document number)  | RED RETRY, DOCUMENT_EXPIRED                 |
 * | "slow" (name)                | as above, decided after `slowMs`            |
 * | anything else                | GREEN (approved), every required check      |
 */
export function decide(submission: Submission, slowMs: number): SandboxDecision {
  const name = `${submission.firstName} ${submission.lastName}`.toLowerCase();
  const delayMs = name.includes("slow") ? slowMs : 0;
  const red = (reviewRejectType: "FINAL" | "RETRY", label: string): SandboxDecision => ({
    reviewAnswer: "RED",
    reviewRejectType,
    rejectLabels: [label],
    delayMs,
  });
  if (name.includes("reject")) return red("FINAL", "FORGERY");
  if (name.includes("sanction")) return red("FINAL", "SANCTIONS");
  if (/\bpep\b/.test(name)) return red("FINAL", "PEP");
  if (name.includes("resubmit")) return red("RETRY", "BAD_PROOF_OF_IDENTITY");
  if (submission.documentNumber.toLowerCase().includes("expired")) return red("RETRY", "DOCUMENT_EXPIRED");
  return { reviewAnswer: "GREEN", rejectLabels: [], delayMs };
}
