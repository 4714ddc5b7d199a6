import type { ColumnType, Generated, JSONColumnType } from "kysely";

/** One attestation our issuer signed, keyed by its EIP-712 digest. No personal data. */
export interface SignedAttestationsTable {
  /** KycRegistry.hashAttestation(request, nonce, deadline), 0x-prefixed lower-case hex. */
  digest: string;
  /** The project whose verification session asked for it (uint64, as a decimal string). */
  project_id: string;
  /** The attested address (lower-case hex). */
  subject: string;
  /** The issuer address that signed it (lower-case hex). */
  issuer: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A single-use SIWE nonce, bound to the address that asked for it. */
export interface AuthNoncesTable {
  nonce: string;
  address: string;
  expires_at: Date;
  used_at: Date | null;
}

/** A subject's bearer token, stored as its sha256. */
export interface AuthTokensTable {
  token_hash: string;
  address: string;
  expires_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A project's provider preferences and required checks, set by its admins. */
export interface ProjectKycSettingsTable {
  project_id: string;
  providers: string[];
  checks: string[];
  updated_by: string;
  updated_at: Date;
}

export interface SessionStep {
  step: string;
  at: string;
  reason?: string;
  provider?: string;
}

/** What the issuer signed for a session (no personal data: hashes, ids, numbers). */
export interface StoredAttestation {
  request: {
    subject: string;
    level: number;
    expiresAt: number;
    storageNetwork: number;
    storageId: string;
    ciphertextHash: string;
  };
  nonce: string;
  deadline: string;
  signature: string;
  digest: string;
  issuer: string;
}

export interface StoredLaunch {
  kind: "sdk-token" | "hosted-url";
  provider: string;
  token?: string;
  url?: string;
  expiresAt: number;
  sdk?: { name: string; version?: string };
}

export interface KycSessionsTable {
  id: string;
  project_id: string;
  subject: string;
  chain_id: number;
  registry: string;
  status: string;
  outcome: string | null;
  reason_codes: ColumnType<string[], string[] | undefined, string[]>;
  checks_passed: ColumnType<string[], string[] | undefined, string[]>;
  document_type: string | null;
  level: number | null;
  required_checks: string[];
  provider: string | null;
  provider_applicant_id: string | null;
  providers_tried: ColumnType<string[], string[] | undefined, string[]>;
  launch: JSONColumnType<StoredLaunch | null, string | null, string | null>;
  return_url: string | null;
  steps: JSONColumnType<SessionStep[], string | undefined, string>;
  failure_reason: string | null;
  decision_checked_at: Date | null;
  result_delivered_at: Date | null;
  attestation: JSONColumnType<StoredAttestation | null, string | null, string | null>;
  attestation_storage_id: string | null;
  attestation_ciphertext_hash: string | null;
  /** The attested record's size in bytes, measured before signing (migration 0005; null before it). */
  attestation_record_bytes: ColumnType<string | null, string | null | undefined, string | null>;
  attestation_uid: string | null;
  erased_at: Date | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  /** The project's organization when the session started (migration 0003; null before it). */
  org_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface ProviderWebhookEventsTable {
  provider: string;
  event_id: string;
  received_at: Date;
}

export interface ProviderDeletionsTable {
  id: Generated<string>;
  provider: string;
  applicant_id: string;
  reason: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
}

export interface ChainCursorTable {
  name: string;
  next_block: string;
}

/** Sponsorship refusals per project, clock hour and reason (sponsorship/refusal-counts.ts). */
export interface SponsorshipRefusalsTable {
  /** uint64, as a decimal string. */
  project_id: string;
  /** The start of the clock hour. */
  hour: Date;
  /** The refusal's code (SponsorshipRefused.reason). */
  reason: string;
  count: ColumnType<string, number, number>;
}

/** An operator's pause of a provider (migration 0006); no row: the provider runs. */
export interface ProviderStatesTable {
  provider: string;
  paused: boolean;
  /** The operator's short note; never personal data. */
  reason: string;
  /** The operator's address, lowercase. */
  changed_by: string;
  changed_at: Date;
}

export interface IssuerDatabase {
  signed_attestations: SignedAttestationsTable;
  auth_nonces: AuthNoncesTable;
  auth_tokens: AuthTokensTable;
  project_kyc_settings: ProjectKycSettingsTable;
  kyc_sessions: KycSessionsTable;
  provider_webhook_events: ProviderWebhookEventsTable;
  provider_deletions: ProviderDeletionsTable;
  chain_cursor: ChainCursorTable;
  sponsorship_refusals: SponsorshipRefusalsTable;
  provider_states: ProviderStatesTable;
}
