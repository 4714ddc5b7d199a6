/**
 * Request and response shapes of the tenant API, all in one place. The tenant routes mirror
 * indexer/src/api/schemas.ts; the webhook routes follow the issue 5 spec. Numbers that can exceed
 * 2^53 (ids, wei, block numbers) are decimal strings; times are ISO 8601 strings.
 */
import type { WebhookEventType } from "./events.js";

/** One page of a list route; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  cursor?: string;
  /** Page size; each route has its own maximum and default. */
  limit?: number;
}

// ---------------------------------------------------------------- tenant routes (`read` scope)

export type AttestationStatus = "active" | "expired" | "revoked" | "erased";

/** GET /v1/project */
export interface Project {
  projectId: string;
  orgId: string;
  slug: string;
  status: "active" | "suspended" | "none";
  requiredLevel: number;
  acceptedIssuers: string[];
  metadataUri: string;
  createdAt: string;
  updatedAt: string;
  activeConsents: number;
}

export interface AttestationSummary {
  uid: string;
  issuer: string;
  level: number;
  status: AttestationStatus;
  issuedAt: string;
  expiresAt: string;
}

/** GET /v1/subjects/{address} */
export interface SubjectStatus {
  projectId: string;
  subject: string;
  /** Holds an active, unexpired attestation (any level). */
  verified: boolean;
  /** Verified at the project's level by an accepted issuer, consenting, project active. */
  meetsProjectPolicy: boolean;
  attestation: AttestationSummary | null;
  consent: { granted: boolean; grantedAt: string | null; revokedAt: string | null };
}

/** An item of GET /v1/subjects/{address}/attestations (newest first; max 100 a page, default 50). */
export interface Attestation {
  uid: string;
  issuer: string;
  level: number;
  status: AttestationStatus;
  current: boolean;
  supersededBy: string | null;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  erasedAt: string | null;
  storageNetwork: number;
  storageId: string;
  ciphertextHash: string;
  blockNumber: string;
  transactionHash: string;
}

/** GET /v1/consents (oldest change first; max 500 a page, default 100). */
export interface ConsentsQuery extends PageQuery {
  /** Only subjects whose attestation level is at least this (0-255). */
  minLevel?: number;
  /** Only consents changed at or after this time: a Date, Unix seconds or an ISO 8601 string. */
  updatedSince?: Date | number | string;
  /** Default "active". */
  status?: "active" | "revoked" | "all";
}

export interface ConsentingSubject {
  subject: string;
  consent: "active" | "revoked";
  grantedAt: string;
  revokedAt: string | null;
  verified: boolean;
  level: number;
  attestationStatus: "none" | AttestationStatus;
  expiresAt: string | null;
  updatedAt: string;
}

/** GET /v1/sponsorship */
export interface Sponsorship {
  projectId: string;
  /** Wei left to sponsor operations. */
  balance: string;
  totalFunded: string;
  totalWithdrawn: string;
  totalSpent: string;
  operations: number;
  active: boolean;
  policy: { perUserCap: string; periodCap: string; periodSeconds: number; maxOpCost: string };
  updatedAt: string | null;
}

/** An item of GET /v1/sponsorship/operations (newest first; max 100 a page, default 50). */
export interface SponsoredOperation {
  userOpHash: string;
  sender: string;
  actualCost: string;
  success: boolean | null;
  actualGasUsed: string | null;
  blockNumber: string;
  at: string;
  transactionHash: string;
}

// ---------------------------------------------------------------- webhook routes (`webhooks:manage` scope)

/** An event type to subscribe to; strings this SDK does not know yet are allowed. */
export type WebhookEventTypeName = WebhookEventType | (string & {});

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: string[];
  description: string | null;
  rateLimitPerSecond: number;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
}

/** POST /v1/webhooks/endpoints */
export interface CreateWebhookEndpointInput {
  url: string;
  /** Absent or empty: every event type. */
  eventTypes?: WebhookEventTypeName[];
  description?: string;
  rateLimitPerSecond?: number;
}

export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpoint;
  /** The signing secret (whsec_...). Shown once: store it now. */
  secret: string;
}

/** PATCH /v1/webhooks/endpoints/{endpointId} */
export interface UpdateWebhookEndpointInput {
  url?: string;
  eventTypes?: WebhookEventTypeName[];
  description?: string;
  rateLimitPerSecond?: number;
  enabled?: boolean;
}

/** POST /v1/webhooks/endpoints/{endpointId}/rotate-secret */
export interface RotateWebhookSecretInput {
  /** How long deliveries stay signed with the previous secret too. */
  graceSeconds?: number;
}

export interface RotatedWebhookSecret {
  secret: string;
  previousSecretExpiresAt: string;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed" | "dead";

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface WebhookDeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/**
 * GET /v1/webhooks/deliveries/{deliveryId}: the delivery and its attempt log. The spec
 * writes `Delivery & {attempts: Attempt[]}`, which collides with the `attempts` count; this follows
 * indexer/src/api/schemas.ts (work in progress), which keeps the count and adds `log`.
 */
export interface WebhookDeliveryDetail extends WebhookDelivery {
  log: WebhookDeliveryAttempt[];
}

/** GET /v1/webhooks/deliveries */
export interface WebhookDeliveriesQuery extends PageQuery {
  endpointId?: string;
  status?: WebhookDeliveryStatus;
}

/** POST /v1/webhooks/replay: every event of the endpoint in [since, until]. */
export interface ReplayWebhooksInput {
  endpointId: string;
  since: Date | string;
  until: Date | string;
}

/** GET/PUT /v1/webhooks/settings */
export interface WebhookSettings {
  /** Deliver on finality, or after this many confirmations (with `event.retracted` on a reorg). */
  confirmations: "finalized" | number;
  /** Wei, decimal: below this balance the project gets `budget.low`. */
  budgetLowThreshold: string;
}
