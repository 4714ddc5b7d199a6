/**
 * A KYC provider, as the issuer sees it: every provider (the local sandbox, Sumsub, Persona,
 * Onfido) sits behind this one interface, so sessions, fallback and normalization never know
 * which one runs. Each method takes an AbortSignal (the caller's timeout) and fails with a
 * `ProviderError` whose `reason` is one of a small set, never with a provider's own error shape.
 *
 * Personal data flows through `fetchDecision` only, as `DecidedRecord.personalData`: the issuer
 * hands it to the subject's browser once and never writes it to a database, a log, a queue or a
 * URL. Everything else here (applicant ids, reason codes) is pseudonymous.
 */

/** What a project may require of a verification. */
import type { KycCheck } from "@onekey/deploy";
import type { Address } from "viem";

export { KYC_CHECKS, type KycCheck } from "@onekey/deploy";

/**
 * Extension (compatible): besides "sandbox", further sandbox instances are named
 * `sandbox-<name>` (lower-case letters and digits), so a local stack can run two independent
 * providers and exercise fallback without a real provider account.
 */
export type ProviderName = "sandbox" | `sandbox-${string}` | "sumsub" | "persona" | "onfido";

const PROVIDER_NAME = /^(sandbox(-[a-z0-9]{1,16})?|sumsub|persona|onfido)$/;
export function isProviderName(value: string): value is ProviderName {
  return PROVIDER_NAME.test(value);
}

export interface StartApplicantInput {
  /** The issuer's session id; providers that take an external reference get it (never the subject's PII). */
  sessionId: string;
  subject: Address;
  projectId: bigint;
  /** The checks the project requires; the provider's flow must cover them. */
  checks: readonly KycCheck[];
  /** Where the hosted flow sends the person back to (the dApp's verify page), when the provider has one. */
  returnUrl?: string;
  locale?: string;
}

/** What the browser needs to run the provider's own flow: a short-lived SDK token or a hosted-flow URL. */
export type BrowserLaunch =
  | {
      kind: "sdk-token";
      provider: ProviderName;
      token: string;
      expiresAt: number;
      sdk: { name: string; version?: string };
    }
  | { kind: "hosted-url"; provider: ProviderName; url: string; expiresAt: number };

/** A provider webhook exactly as it arrived: the raw body (signatures cover bytes, not JSON). */
export interface ProviderWebhookRequest {
  rawBody: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
}

/** A verified provider webhook, reduced to what the session workflow needs. */
export interface ProviderEvent {
  applicantId: string;
  /** The provider's own id for this delivery (idempotency). */
  eventId: string;
  kind: "submitted" | "decided" | "other";
}

export type KycOutcome = "approved" | "rejected" | "needs_resubmission";
export type DocumentType = "passport" | "id_card" | "driving_licence" | "residence_permit" | "other";

/** One result schema for every provider (no personal data). */
export interface NormalizedResult {
  outcome: KycOutcome;
  checksPassed: KycCheck[];
  documentType?: DocumentType;
  /** Machine-readable, provider-independent reason codes (e.g. "document_expired", "selfie_mismatch"). */
  reasonCodes: string[];
  provider: ProviderName;
  /** The provider's applicant/inquiry id: pseudonymous, deleted here after erasure. */
  providerReference: string;
}

/** The decided outcome, and the person's data that only their browser may keep (encrypted). */
export interface DecidedRecord {
  result: NormalizedResult;
  /** PII (names, document number, date of birth, ...): handed to the browser once, never stored. */
  personalData: Readonly<Record<string, unknown>>;
}

export type Decision = { state: "pending" } | ({ state: "decided" } & DecidedRecord);

export type ProviderErrorReason =
  | "unavailable" // connection refused, 5xx, provider down
  | "timeout"
  | "unauthorized" // our credentials were refused
  | "rejected_request" // the provider refused our request (4xx other than auth/not found)
  | "not_found"
  | "bad_response"; // the provider answered something we cannot read

export class ProviderError extends Error {
  override name = "ProviderError";
  constructor(
    readonly provider: ProviderName,
    readonly reason: ProviderErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A webhook whose signature, timestamp or shape does not check out. */
export class ProviderWebhookInvalid extends Error {
  override name = "ProviderWebhookInvalid";
}

export interface KycProvider {
  readonly name: ProviderName;
  /** The checks this provider (as configured) can perform. */
  readonly supports: readonly KycCheck[];
  /** Creates the applicant (Sumsub) / inquiry (Persona) / applicant + workflow run (Onfido). */
  createApplicant(input: StartApplicantInput, signal: AbortSignal): Promise<{ applicantId: string }>;
  /** What the browser needs to run the flow for this applicant. Never our API secrets. */
  launch(applicantId: string, input: StartApplicantInput, signal: AbortSignal): Promise<BrowserLaunch>;
  /** Verifies a webhook's signature with the provider's documented algorithm; throws ProviderWebhookInvalid. */
  verifyWebhook(request: ProviderWebhookRequest): ProviderEvent;
  /** Fetches the decision server-side and normalizes it. */
  fetchDecision(applicantId: string, signal: AbortSignal): Promise<Decision>;
  /** Deletes the applicant at the provider where its API allows (after an erasure). */
  deleteApplicant(applicantId: string, signal: AbortSignal): Promise<"deleted" | "not_supported">;
  /** A cheap call that fails when the provider is unreachable (for the circuit breaker's probes). */
  ping(signal: AbortSignal): Promise<void>;
}
