/**
 * Tables the handlers in src/ fill from chain events. Every tenant row carries `projectId`;
 * times are block timestamps in Unix seconds. Ponder owns these tables (it rebuilds them on
 * re-index and rewinds them on reorgs); the API's own tables live in another schema
 * (src/api/store/).
 */
import { index, onchainTable, primaryKey } from "ponder";

// ---------------------------------------------------------------- ProjectRegistry

export const organizations = onchainTable("organizations", (t) => ({
  orgId: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  /** Named by the owner during a two-step transfer; null otherwise. */
  pendingOwner: t.hex(),
  metadataUri: t.text().notNull(),
  createdAt: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

export const organizationAdmins = onchainTable(
  "organization_admins",
  (t) => ({
    orgId: t.bigint().notNull(),
    account: t.hex().notNull(),
    enabled: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.orgId, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

export const projects = onchainTable(
  "projects",
  (t) => ({
    projectId: t.bigint().primaryKey(),
    orgId: t.bigint().notNull(),
    slug: t.text().notNull(),
    /** "active" | "suspended" */
    status: t.text().notNull(),
    requiredLevel: t.integer().notNull(),
    /** Empty means any registered issuer. */
    acceptedIssuers: t.hex().array().notNull(),
    metadataUri: t.text().notNull(),
    createdAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ orgIdx: index().on(table.orgId) }),
);

/**
 * An account's role bitmap on a project (ProjectRoles: 1 admin, 2 reader, 4 sponsor manager), and
 * the roles offered to it that it has not accepted yet (a reader grant is an offer until then).
 */
export const projectRoles = onchainTable(
  "project_roles",
  (t) => ({
    projectId: t.bigint().notNull(),
    account: t.hex().notNull(),
    roles: t.integer().notNull(),
    offeredRoles: t.integer().notNull().default(0),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.projectId, table.account] }),
    accountIdx: index().on(table.account),
  }),
);

// ---------------------------------------------------------------- KycRegistry

export const issuers = onchainTable("issuers", (t) => ({
  issuer: t.hex().primaryKey(),
  issuerId: t.integer().notNull(),
  registered: t.boolean().notNull(),
  registeredAt: t.bigint().notNull(),
  removedAt: t.bigint(),
}));

/** Every attestation ever created, with what happened to it since. */
export const attestations = onchainTable(
  "attestations",
  (t) => ({
    uid: t.hex().primaryKey(),
    subject: t.hex().notNull(),
    issuer: t.hex().notNull(),
    level: t.integer().notNull(),
    issuedAt: t.bigint().notNull(),
    expiresAt: t.bigint().notNull(),
    storageNetwork: t.integer().notNull(),
    storageId: t.hex().notNull(),
    ciphertextHash: t.hex().notNull(),
    /** "active" | "revoked" | "erased" */
    status: t.text().notNull(),
    /** Whether this is still the subject's current attestation (a newer one supersedes it). */
    current: t.boolean().notNull(),
    supersededBy: t.hex(),
    revokedAt: t.bigint(),
    revoker: t.hex(),
    erasedAt: t.bigint(),
    blockNumber: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ subjectIdx: index().on(table.subject, table.issuedAt) }),
);

/**
 * A subject's current state: its current attestation (status "none" before the first one) and
 * the projects it consents to (what attestation events fan out to). Never exposed as a whole:
 * which subjects consent to which project is tenant data.
 */
export const subjects = onchainTable("subjects", (t) => ({
  subject: t.hex().primaryKey(),
  uid: t.hex(),
  issuer: t.hex(),
  level: t.integer().notNull(),
  /** "none" | "active" | "revoked" | "erased" */
  status: t.text().notNull(),
  issuedAt: t.bigint(),
  expiresAt: t.bigint(),
  decryptDelegate: t.hex(),
  consentedProjectIds: t.bigint().array().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/**
 * A subject's consent to a project, with a copy of the subject's current attestation so that
 * "consenting subjects at level >= N updated since T" is one indexed scan of one project's rows.
 * `updatedAt` moves on any change to the consent or to the attestation behind it.
 */
export const consents = onchainTable(
  "consents",
  (t) => ({
    projectId: t.bigint().notNull(),
    subject: t.hex().notNull(),
    active: t.boolean().notNull(),
    grantedAt: t.bigint().notNull(),
    revokedAt: t.bigint(),
    uid: t.hex(),
    issuer: t.hex(),
    level: t.integer().notNull(),
    /** The attestation's status, as in `subjects.status`. */
    attestationStatus: t.text().notNull(),
    expiresAt: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.projectId, table.subject] }),
    pageIdx: index().on(table.projectId, table.updatedAt, table.subject),
  }),
);

// ---------------------------------------------------------------- OneKeyPaymaster + EntryPoint

/** A project's budget at the paymaster: what it has left to pay for operations. `balance` is the paymaster's figure after each event. */
export const budgets = onchainTable("budgets", (t) => ({
  projectId: t.bigint().primaryKey(),
  balance: t.bigint().notNull(),
  totalFunded: t.bigint().notNull(),
  totalWithdrawn: t.bigint().notNull(),
  totalSpent: t.bigint().notNull(),
  operations: t.integer().notNull(),
  /** The paymaster's mirror of the registry status (validation cannot read the registry). */
  active: t.boolean().notNull(),
  perUserCap: t.bigint().notNull(),
  periodCap: t.bigint().notNull(),
  periodSeconds: t.integer().notNull(),
  /** Most wei one operation may reserve (0 = the paymaster's default). */
  maxOpCost: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** One sponsored user operation; the EntryPoint's UserOperationEvent adds its outcome. */
export const sponsoredOperations = onchainTable(
  "sponsored_operations",
  (t) => ({
    userOpHash: t.hex().primaryKey(),
    projectId: t.bigint().notNull(),
    sender: t.hex().notNull(),
    paymaster: t.hex().notNull(),
    actualCost: t.bigint().notNull(),
    success: t.boolean(),
    actualGasUsed: t.bigint(),
    nonce: t.bigint(),
    blockNumber: t.bigint().notNull(),
    blockTimestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ projectIdx: index().on(table.projectId, table.blockNumber, table.logIndex) }),
);

/** The paymaster's operator events (signer rotation, reserve, ownership): no tenant's business. */
export const paymasterEvents = onchainTable("paymaster_events", (t) => ({
  id: t.text().primaryKey(),
  paymaster: t.hex().notNull(),
  name: t.text().notNull(),
  args: t.json().notNull(),
  blockNumber: t.bigint().notNull(),
  blockTimestamp: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
}));

/**
 * Governance history of the registries (issuers registered or removed; organizations created,
 * their ownership transfers and admins), kept beside the current state so that the webhook
 * worker's chain trail can copy it once final. Keyed like the outbox; bigints in `args` are strings.
 */
export const governanceEvents = onchainTable("governance_events", (t) => ({
  id: t.text().primaryKey(),
  contract: t.text().notNull(),
  name: t.text().notNull(),
  args: t.json().notNull(),
  blockNumber: t.bigint().notNull(),
  blockTimestamp: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
}));

// ---------------------------------------------------------------- outbox

/**
 * Tenant-relevant events, one row per log, keyed `chainId:blockHash:logIndex` so that a re-run
 * handler (restart, re-index) writes the same key and a reorg writes a new one. The webhook worker
 * reads it through the views schema and keeps its own delivery state; nothing here has side effects.
 */
export const outbox = onchainTable(
  "outbox",
  (t) => ({
    id: t.text().primaryKey(),
    chainId: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    blockTimestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    /** e.g. "consent.granted", "attestation.revoked", "project.status_changed". */
    type: t.text().notNull(),
    /** The projects the event concerns (for attestation events: those the subject consented to then). */
    projectIds: t.bigint().array().notNull(),
    subject: t.hex(),
    /** JSON-safe event data (bigints as decimal strings). */
    payload: t.json().notNull(),
  }),
  (table) => ({ blockIdx: index().on(table.blockNumber, table.logIndex) }),
);
