/**
 * Webhook event payloads, version 1: the JSON body of every delivery. Numbers that can exceed
 * 2^53 (ids, wei, block numbers) are decimal strings; addresses and hashes are 0x-hex.
 */

/** 0x-prefixed hex: an address (20 bytes), a hash or a uid (32 bytes). */
export type Hex = `0x${string}`;

/** Every event type this version of the SDK knows. Others may arrive later; see `isKnownWebhookEvent`. */
export const WEBHOOK_EVENT_TYPES = [
  "attestation.created",
  "attestation.revoked",
  "attestation.expired",
  "record.erased",
  "consent.granted",
  "consent.revoked",
  "project.created",
  "project.settings_updated",
  "project.status_changed",
  "project.role_granted",
  "project.role_revoked",
  "project.role_offered",
  "organization.roles_revoked",
  "budget.funded",
  "budget.withdrawn",
  "budget.policy_set",
  "budget.low",
  "operation.sponsored",
  "event.retracted",
  "webhook.test",
  "security.alert",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The block an event was emitted in. */
export interface WebhookEventBlock {
  /** Decimal block number. */
  number: string;
  hash: Hex;
  /** The block's time, as sent by the worker. */
  timestamp: string;
  /** Whether the block was final when the event was sent; if not, watch for `event.retracted`. */
  finalized: boolean;
}

export interface AttestationCreatedData {
  uid: Hex;
  subject: Hex;
  issuer: Hex;
  level: number;
  issuedAt: string;
  expiresAt: string;
  /** The attestation this one supersedes, if any. */
  previousUid: Hex | null;
}

export interface AttestationRevokedData {
  uid: Hex;
  subject: Hex;
  revoker: Hex;
  revokedAt: string;
}

export interface AttestationExpiredData {
  uid: Hex;
  subject: Hex;
  level: number;
  expiresAt: string;
}

export interface RecordErasedData {
  uid: Hex;
  subject: Hex;
  erasedAt: string;
}

export interface ConsentData {
  /** Decimal uint64. */
  projectId: string;
  subject: Hex;
}

export interface ProjectCreatedData {
  projectId: string;
  orgId: string;
  slug: string;
  /** "active", "suspended", ...: new statuses may appear, so this is a plain string. */
  status: string;
  requiredLevel: number;
  acceptedIssuers: Hex[];
}

export interface ProjectSettingsUpdatedData {
  projectId: string;
  requiredLevel: number;
  acceptedIssuers: Hex[];
  metadataUri: string;
}

export interface ProjectStatusChangedData {
  projectId: string;
  status: string;
}

export interface ProjectRoleData {
  projectId: string;
  account: Hex;
  /** The role granted or revoked. A grant or revoke also closes any pending offer of this role. */
  role: number;
  /** The account's roles after the change (bit mask). */
  roles: number;
}

/** A role was offered to `account`; it holds it only once it accepts (`project.role_granted`). */
export interface ProjectRoleOfferedData {
  projectId: string;
  account: Hex;
  /** The role offered (today only the reader role, 2). */
  role: number;
}

/**
 * Every role and pending offer `account` held on the organization's projects was revoked at once
 * (it was removed as an org admin, handed ownership over, or the owner revoked them). Sent to each
 * project on which it held one; no `project.role_revoked` is sent for them.
 */
export interface OrganizationRolesRevokedData {
  /** Decimal uint64. */
  orgId: string;
  account: Hex;
}

/** Wei added to the project's budget at the paymaster. */
export interface BudgetFundedData {
  projectId: string;
  funder: Hex;
  /** Wei, decimal. */
  amount: string;
  balance: string;
}

export interface BudgetWithdrawnData {
  projectId: string;
  by: Hex;
  to: Hex;
  amount: string;
  balance: string;
}

/** A user operation the paymaster paid for from the project's budget. */
export interface OperationSponsoredData {
  projectId: string;
  sender: Hex;
  userOpHash: Hex;
  actualCost: string;
  balance: string;
}

/** The limits on how the project's budget is spent. */
export interface BudgetPolicySetData {
  projectId: string;
  by: Hex;
  perUserCap: string;
  periodCap: string;
  periodSeconds: number;
  /** Most wei one operation may reserve, decimal (`"0"` = the paymaster's default). */
  maxOpCost: string;
}

export interface BudgetLowData {
  projectId: string;
  balance: string;
  threshold: string;
}

/** A reorg removed an event that had been delivered before its block was final. */
export interface EventRetractedData {
  retractedId: string;
  retractedType: string;
  block: { number: string; hash: Hex };
}

export interface WebhookTestData {
  message: string;
}

/**
 * A detection rule fired for the project (an address probing its admin routes, a reader opening
 * records far above its norm, an endpoint disabled after failing). Sent once per incident; the
 * same incident seen again joins it without a second event.
 */
export interface SecurityAlertData {
  /** Decimal id of the incident (the operators' handle for it). */
  alertId: string;
  /** The rule's name, e.g. "admin_refusals"; the runbook has a section per rule. */
  rule: string;
  severity: "low" | "medium" | "high" | "critical";
  /** One sentence: what was seen. No personal data. */
  summary: string;
  /** The counts and ids behind it (audit entry ids, window, threshold). */
  evidence: Record<string, unknown>;
  /** ISO 8601. */
  firstSeenAt: string;
  /** Where to read what it means and what to do. */
  runbook: string;
}

/** The `data` of each known event type. */
export interface WebhookEventDataMap {
  "attestation.created": AttestationCreatedData;
  "attestation.revoked": AttestationRevokedData;
  "attestation.expired": AttestationExpiredData;
  "record.erased": RecordErasedData;
  "consent.granted": ConsentData;
  "consent.revoked": ConsentData;
  "project.created": ProjectCreatedData;
  "project.settings_updated": ProjectSettingsUpdatedData;
  "project.status_changed": ProjectStatusChangedData;
  "project.role_granted": ProjectRoleData;
  "project.role_revoked": ProjectRoleData;
  "project.role_offered": ProjectRoleOfferedData;
  "organization.roles_revoked": OrganizationRolesRevokedData;
  "budget.funded": BudgetFundedData;
  "budget.withdrawn": BudgetWithdrawnData;
  "budget.policy_set": BudgetPolicySetData;
  "budget.low": BudgetLowData;
  "operation.sponsored": OperationSponsoredData;
  "event.retracted": EventRetractedData;
  "webhook.test": WebhookTestData;
  "security.alert": SecurityAlertData;
}

/** The envelope every event shares (version 1). */
export interface WebhookEnvelope<T extends string = string, D = Record<string, unknown>> {
  /** "evt_<hex>", equal to the `webhook-id` header; the same across retries, restarts and re-indexing. */
  id: string;
  type: T;
  version: 1;
  /** Decimal uint64. */
  projectId: string;
  chainId: number;
  /** ISO 8601: the block time, or for `attestation.expired` the expiry time. */
  createdAt: string;
  /** Null for time-based events (`attestation.expired`, `budget.low`, `webhook.test`, ...). */
  block: WebhookEventBlock | null;
  transactionHash: Hex | null;
  logIndex: number | null;
  data: D;
}

/** An event of one known type. */
export type WebhookEvent<T extends WebhookEventType> = WebhookEnvelope<T, WebhookEventDataMap[T]>;

/** A discriminated union on `type`: `switch (event.type)` narrows `data`. */
export type KnownWebhookEvent = { [T in WebhookEventType]: WebhookEvent<T> }[WebhookEventType];

/** An event of a type newer than this SDK: the envelope is checked, `data` is any JSON object. */
export type UnknownWebhookEvent = WebhookEnvelope<string, Record<string, unknown>>;

/**
 * What `verifyWebhook` returns. TypeScript cannot narrow a union with a plain-string member, so
 * narrow with `isKnownWebhookEvent` (then `switch (event.type)`) or `isWebhookEventType`.
 */
export type OneKeyWebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);

/** Whether this SDK knows the event's type; narrows to the discriminated union. */
export function isKnownWebhookEvent(event: OneKeyWebhookEvent): event is KnownWebhookEvent {
  return KNOWN.has(event.type);
}

/** Whether the event is of `type`; narrows `data`. */
export function isWebhookEventType<T extends WebhookEventType>(
  event: OneKeyWebhookEvent,
  type: T,
): event is Extract<KnownWebhookEvent, { type: T }> {
  return event.type === type;
}
