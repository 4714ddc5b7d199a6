/** The session workflow's vocabulary (issuer/SESSIONS.md): statuses, steps, failure reasons. */

export const SESSION_STATUSES = [
  "created",
  "provider_started",
  "submitted",
  "decided",
  "record_stored",
  "attestation_signed",
  "attested",
  "consented",
  "expired",
  "failed",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses a session never leaves. */
export const TERMINAL: readonly SessionStatus[] = ["consented", "expired", "failed"];
/** Statuses in which a session expires at `expiresAt` (attested ones live on: the chain has them). */
export const EXPIRABLE: readonly SessionStatus[] = [
  "created",
  "provider_started",
  "submitted",
  "decided",
  "record_stored",
  "attestation_signed",
];

/** Machine-readable reasons a step records (failures, and why a step happened out of order). */
export const STEP_REASONS = {
  noProviderAvailable: "no_provider_available",
  sessionExpired: "session_expired",
  providerFallback: "provider_fallback",
  applicantMissing: "provider_applicant_missing",
  deadlineRenewed: "deadline_renewed",
} as const;
