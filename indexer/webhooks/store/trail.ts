/**
 * Statements of the chain trail (../worker/chainTrail.ts): final webhook events the trail has not
 * considered yet, marking them considered, and the paymaster's operator events and the registries'
 * governance events up to the finalized block. Final events never change again, so what is read here can be copied once and for good.
 */
import { sql } from "kysely";
import type { Db } from "./events.js";

/** A final chain event the trail has not considered yet. */
export interface UntrailedEvent {
  id: string;
  type: string;
  project_ids: string[];
  block_number: string;
  block_timestamp: string;
  transaction_hash: string;
  log_index: number;
  data: Record<string, unknown>;
}

/**
 * Up to `limit` final chain events not yet considered, in chain order, locked for this
 * transaction (SKIP LOCKED: a second trail writer takes other rows or none, never the same).
 */
export async function untrailedFinalEvents(db: Db, limit: number): Promise<UntrailedEvent[]> {
  const { rows } = await sql<UntrailedEvent>`
    SELECT id, type, project_ids::text[] AS project_ids, block_number::text, block_timestamp::text,
           transaction_hash, log_index, data
      FROM webhook_events
     WHERE state = 'final' AND trailed_at IS NULL
     ORDER BY block_number, log_index
     LIMIT ${limit}
       FOR UPDATE SKIP LOCKED`.execute(db);
  return rows;
}

/** Marks events considered by the trail (copied, or not governance). */
export async function markTrailed(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE webhook_events SET trailed_at = now() WHERE id = ANY (${ids}::text[]) AND trailed_at IS NULL`.execute(
    db,
  );
}

/** A paymaster operator event (signer rotation, ownership, reserve) as Ponder stored it. */
export interface PaymasterEventRow {
  id: string;
  paymaster: string;
  name: string;
  args: Record<string, unknown>;
  block_number: string;
  block_timestamp: string;
  transaction_hash: string;
}

/** A block range (after, upTo], and at most `limit` rows of it (the first, in chain order). */
export interface TrailRange {
  after: bigint;
  upTo: bigint;
  limit?: number;
}

/** The paymaster's operator events in (after, upTo] blocks, in chain order. */
export async function paymasterEventsBetween(db: Db, views: string, range: TrailRange): Promise<PaymasterEventRow[]> {
  const { rows } = await sql<PaymasterEventRow>`
    SELECT id, paymaster, name, args, block_number::text, block_timestamp::text, transaction_hash
      FROM ${sql.table(`${views}.paymaster_events`)}
     WHERE block_number > ${range.after.toString()} AND block_number <= ${range.upTo.toString()}
     ORDER BY block_number, id
     LIMIT ${range.limit ?? null}`.execute(db);
  return rows;
}

/** A registry's governance event (issuers, organizations) as Ponder stored it. */
export interface GovernanceEventRow {
  id: string;
  contract: string;
  name: string;
  args: Record<string, unknown>;
  block_number: string;
  block_timestamp: string;
  transaction_hash: string;
}

/** The registries' governance events in (after, upTo] blocks, in chain order. */
export async function governanceEventsBetween(db: Db, views: string, range: TrailRange): Promise<GovernanceEventRow[]> {
  const { rows } = await sql<GovernanceEventRow>`
    SELECT id, contract, name, args, block_number::text, block_timestamp::text, transaction_hash
      FROM ${sql.table(`${views}.governance_events`)}
     WHERE block_number > ${range.after.toString()} AND block_number <= ${range.upTo.toString()}
     ORDER BY block_number, split_part(id, ':', 3)::integer
     LIMIT ${range.limit ?? null}`.execute(db);
  return rows;
}
