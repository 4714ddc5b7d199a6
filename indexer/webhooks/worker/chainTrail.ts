/**
 * The chain trail: governance and role changes made on chain enter the one audit trail
 * (db/audit.ts) once they are final, as `chain.<event type>` entries. The trail is append-only, so
 * nothing that a reorg could still remove may enter it: webhook events are copied only when
 * `final` (never `live`, never `retracted`), the paymaster's operator events and the registries'
 * governance events (issuers, organizations: Ponder's `governance_events`) only at or below the
 * finalized block. Each copy is marked in the same transaction (`trailed_at`, the
 * `trailed_paymaster` and `trailed_governance` cursors) under an advisory lock, so a restart or a
 * second worker never writes an entry twice.
 *
 * Runs in READ COMMITTED transactions of one bounded batch each, after the pipeline's pass: an audit
 * head locked by an API request in the meantime is waited for, not a serialization failure of the
 * whole pass, and a batch holds the heads it writes to only until it commits.
 * Subjects' own actions (attestations issued to them, consent, erasure) are not governance and are
 * never copied; nor is a subject's address (an attestation revocation names its uid).
 */
import { sql } from "kysely";
import { type AuditEntry, writeAudit } from "../../db/audit.js";
import { advanceCursor, type Db, readCursor } from "../store/events.js";
import {
  type GovernanceEventRow,
  governanceEventsBetween,
  markTrailed,
  type PaymasterEventRow,
  paymasterEventsBetween,
  type TrailRange,
  type UntrailedEvent,
  untrailedFinalEvents,
} from "../store/trail.js";

/** Who made the change (when the event says), what it changed, and the fields worth keeping. */
interface Described {
  actor?: unknown;
  target: string;
  change: Record<string, unknown>;
}

const project = (d: Record<string, unknown>) => `project:${String(d.projectId)}`;

/** The webhook event types that are governance or role changes, and how each reads in the trail. */
const GOVERNANCE: Record<string, (d: Record<string, unknown>) => Described> = {
  "project.created": (d) => ({
    target: project(d),
    change: { orgId: d.orgId, slug: d.slug, status: d.status, requiredLevel: d.requiredLevel },
  }),
  "project.settings_updated": (d) => ({
    target: project(d),
    change: { requiredLevel: d.requiredLevel, acceptedIssuers: d.acceptedIssuers },
  }),
  "project.status_changed": (d) => ({ target: project(d), change: { status: d.status } }),
  "project.role_offered": (d) => ({ target: project(d), change: { account: d.account, role: d.role } }),
  "project.role_granted": (d) => ({ target: project(d), change: { account: d.account, role: d.role, roles: d.roles } }),
  "project.role_revoked": (d) => ({ target: project(d), change: { account: d.account, role: d.role, roles: d.roles } }),
  "organization.roles_revoked": (d) => ({ target: `organization:${String(d.orgId)}`, change: { account: d.account } }),
  "budget.policy_set": (d) => ({
    actor: d.by,
    target: project(d),
    change: {
      perUserCap: d.perUserCap,
      periodCap: d.periodCap,
      periodSeconds: d.periodSeconds,
      maxOpCost: d.maxOpCost,
    },
  }),
  // The revoker is an issuer or governance; the subject's address stays out.
  "attestation.revoked": (d) => ({ actor: d.revoker, target: `attestation:${String(d.uid)}`, change: {} }),
};

/** The paymaster's operator events that change who governs it (reserve movements are money, not governance). */
const PAYMASTER_GOVERNANCE = /^(SignerRotation|Ownership)/;

/** The actor of an entry whose event does not say who sent it: the transaction is in the detail. */
export const CHAIN_ACTOR = "chain";

/** Events or rows copied per transaction (exported for the tests). */
export const TRAIL_BATCH = 200;
const TRAIL_LOCK = 0x0e1c_7a11;

/** Whether an event type enters the trail. */
export function isTrailedType(type: string): boolean {
  return Object.hasOwn(GOVERNANCE, type);
}

/** The entries of one final event: one per project it concerns. */
export function eventEntries(event: UntrailedEvent): AuditEntry[] {
  const describe = GOVERNANCE[event.type];
  if (!describe) return [];
  const { actor, target, change } = describe(event.data);
  const detail = {
    eventId: event.id,
    txHash: event.transaction_hash,
    block: event.block_number,
    blockTime: new Date(Number(event.block_timestamp) * 1000).toISOString(),
    logIndex: event.log_index,
    change,
  };
  return event.project_ids.map((projectId) => ({
    actor: typeof actor === "string" && actor ? actor : CHAIN_ACTOR,
    projectId: BigInt(projectId),
    action: `chain.${event.type}`,
    target,
    result: "ok",
    detail,
  }));
}

/** SignerRotationStarted -> signer_rotation_started. */
const snake = (name: string) => name.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();

/** The global chain's entry of a paymaster operator event, or none when it is not governance. */
export function paymasterEntry(event: PaymasterEventRow): AuditEntry | undefined {
  if (!PAYMASTER_GOVERNANCE.test(event.name)) return undefined;
  return {
    actor: CHAIN_ACTOR,
    action: `chain.paymaster.${snake(event.name)}`,
    target: `paymaster:${event.paymaster.toLowerCase()}`,
    result: "ok",
    detail: {
      eventId: event.id,
      txHash: event.transaction_hash,
      block: event.block_number,
      blockTime: new Date(Number(event.block_timestamp) * 1000).toISOString(),
      change: event.args,
    },
  };
}

/**
 * The registries' governance events and how each reads in the trail (global chain: no project).
 * The actor is named only where the event names the sender: OrganizationCreated's owner may be
 * anyone's choice, and issuer and admin changes do not say who made them.
 */
const REGISTRY_GOVERNANCE: Record<
  string,
  (a: Record<string, unknown>) => { action: string; actor?: unknown; target: string }
> = {
  IssuerRegistered: (a) => ({ action: "issuer.registered", target: `issuer:${String(a.issuer)}` }),
  IssuerRemoved: (a) => ({ action: "issuer.removed", target: `issuer:${String(a.issuer)}` }),
  OrganizationCreated: (a) => ({ action: "organization.created", target: `organization:${String(a.orgId)}` }),
  // Sent by the current owner.
  OrganizationOwnershipTransferStarted: (a) => ({
    action: "organization.ownership_transfer_started",
    actor: a.owner,
    target: `organization:${String(a.orgId)}`,
  }),
  // Sent by the new owner, who accepted.
  OrganizationOwnershipTransferred: (a) => ({
    action: "organization.ownership_transferred",
    actor: a.newOwner,
    target: `organization:${String(a.orgId)}`,
  }),
  OrganizationAdminSet: (a) => ({ action: "organization.admin_set", target: `organization:${String(a.orgId)}` }),
};

/** The global chain's entry of a registry governance event, or none for a name it does not know. */
export function governanceEntry(event: GovernanceEventRow): AuditEntry | undefined {
  const describe = REGISTRY_GOVERNANCE[event.name];
  if (!describe) return undefined;
  const { action, actor, target } = describe(event.args);
  return {
    actor: typeof actor === "string" && actor ? actor : CHAIN_ACTOR,
    action: `chain.${action}`,
    target,
    result: "ok",
    detail: {
      eventId: event.id,
      txHash: event.transaction_hash,
      block: event.block_number,
      blockTime: new Date(Number(event.block_timestamp) * 1000).toISOString(),
      change: event.args,
    },
  };
}

export interface TrailResult {
  /** Entries written. */
  written: number;
  /** False when another worker holds the trail. */
  ran: boolean;
}

/** A row of a block-cursored source (paymaster or governance events). */
type BlockRow = { block_number: string };

/**
 * Copies what became final since the last run into the trail, `TRAIL_BATCH` events or rows per
 * transaction, each marked (or its cursor moved) in the transaction that copies it, so exactly-once
 * holds across a crash between batches. Per batch, not one transaction for the whole backlog: the
 * audit heads a batch writes to stay locked until it commits, and audited API requests of those
 * projects wait that long (a backfill after migration 0012 copies every final event at once).
 * `finalized` is the block the pass saw finalized; `views` the schema with Ponder's
 * `paymaster_events` and `governance_events`.
 */
export async function copyFinalToTrail(db: Db, views: string, finalized: bigint): Promise<TrailResult> {
  let written = 0;
  let batches = 0;
  /** One batch under the trail's lock; undefined when another worker holds it. */
  const batch = async (work: (trx: Db) => Promise<{ written: number; more: boolean }>) => {
    const step = await db.transaction().execute(async (trx) => {
      const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${TRAIL_LOCK}) AS ok`.execute(trx);
      return lock.rows[0]?.ok ? work(trx) : undefined;
    });
    if (step) {
      batches++;
      written += step.written;
    }
    return step;
  };
  const done = () => ({ written, ran: batches > 0 });

  for (;;) {
    const step = await batch(async (trx) => {
      const events = await untrailedFinalEvents(trx, TRAIL_BATCH);
      let n = 0;
      for (const event of events) {
        for (const entry of eventEntries(event)) {
          await writeAudit(trx, entry);
          n++;
        }
      }
      await markTrailed(
        trx,
        events.map((e) => e.id),
      );
      return { written: n, more: events.length === TRAIL_BATCH };
    });
    // Another worker took the trail over: it carries on from the marks.
    if (!step) return done();
    if (!step.more) break;
  }

  const sources = [
    { view: "paymaster_events", cursor: "trailed_paymaster", read: paymasterEventsBetween, entry: paymasterEntry },
    { view: "governance_events", cursor: "trailed_governance", read: governanceEventsBetween, entry: governanceEntry },
  ] as const;
  for (const source of sources) {
    if (!(await viewExists(db, views, source.view))) continue;
    for (;;) {
      const step = await batch(async (trx) => {
        const after = await readCursor(trx, source.cursor);
        if (finalized <= after) return { written: 0, more: false };
        const { rows, upTo } = await blockBatch(
          (range) => (source.read as (db: Db, views: string, r: TrailRange) => Promise<BlockRow[]>)(trx, views, range),
          after,
          finalized,
        );
        let n = 0;
        for (const row of rows) {
          const entry = (source.entry as (row: BlockRow) => AuditEntry | undefined)(row);
          if (!entry) continue;
          await writeAudit(trx, entry);
          n++;
        }
        await advanceCursor(trx, source.cursor, upTo);
        return { written: n, more: upTo < finalized };
      });
      if (!step) return done();
      if (!step.more) break;
    }
  }
  return done();
}

/**
 * The next batch of a block-cursored source after block `after`: about `TRAIL_BATCH` rows, and the
 * block the cursor may move to. The cursor counts whole blocks, so a batch ends at a block boundary:
 * a full read drops its last block's rows (the next batch starts there), unless the read holds one
 * block only, which is then read whole (one block's governance events: a handful, not thousands).
 */
async function blockBatch(
  read: (range: TrailRange) => Promise<BlockRow[]>,
  after: bigint,
  finalized: bigint,
): Promise<{ rows: BlockRow[]; upTo: bigint }> {
  const rows = await read({ after, upTo: finalized, limit: TRAIL_BATCH });
  if (rows.length < TRAIL_BATCH) return { rows, upTo: finalized };
  const first = BigInt((rows[0] as BlockRow).block_number);
  const last = BigInt((rows.at(-1) as BlockRow).block_number);
  if (first === last) return { rows: await read({ after, upTo: last }), upTo: last };
  return { rows: rows.filter((r) => BigInt(r.block_number) < last), upTo: last - 1n };
}

async function viewExists(db: Db, schema: string, name: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`SELECT to_regclass(${`"${schema}"."${name}"`}) AS found`.execute(
    db,
  );
  return Boolean(rows[0]?.found);
}
