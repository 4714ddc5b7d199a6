/**
 * What the worker reads from Ponder's views schema (`--views-schema`): the checkpoint, new outbox
 * rows, and attestations that have expired. Ponder owns these; the worker only reads them.
 */
import { sql } from "kysely";
import type { Db } from "./events.js";

export interface Checkpoint {
  latest_checkpoint: string;
  finalized_checkpoint: string;
}

/** Ponder's checkpoint row for the chain; undefined before Ponder has created its views. */
export async function readCheckpoint(db: Db, views: string, chainId: number): Promise<Checkpoint | undefined> {
  try {
    const { rows } = await sql<Checkpoint>`
      SELECT latest_checkpoint, finalized_checkpoint FROM ${sql.table(`${views}._ponder_checkpoint`)}
       WHERE chain_id = ${chainId}`.execute(db);
    return rows[0];
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return undefined; // Ponder has no views yet
    throw error;
  }
}

/** Whether the views exist, without failing the transaction that asks. */
export async function viewsExist(db: Db, views: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`
    SELECT to_regclass(${`"${views}"."_ponder_checkpoint"`}) AS found`.execute(db);
  return Boolean(rows[0]?.found);
}

/** An outbox row as the pipeline reads it (bigints as decimal strings). */
export interface OutboxRow {
  id: string;
  chain_id: number;
  block_number: string;
  block_hash: string;
  block_timestamp: string;
  transaction_hash: string;
  log_index: number;
  type: string;
  project_ids: string[];
  payload: Record<string, unknown>;
}

/** Up to `limit` outbox rows in (after, upTo] not ingested yet, in chain order. */
export async function newOutboxRows(
  db: Db,
  views: string,
  range: { after: bigint; upTo: bigint },
  limit: number,
): Promise<OutboxRow[]> {
  const { rows } = await sql<OutboxRow>`
    SELECT o.id, o.chain_id, o.block_number::text, o.block_hash, o.block_timestamp::text, o.transaction_hash,
           o.log_index, o.type, o.project_ids::text[] AS project_ids, o.payload
      FROM ${sql.table(`${views}.outbox`)} o
     WHERE o.block_number > ${range.after.toString()} AND o.block_number <= ${range.upTo.toString()}
       AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.source_id = o.id)
     ORDER BY o.block_number, o.log_index
     LIMIT ${limit}`.execute(db);
  return rows;
}

/** A current, active attestation past its expiry, with the projects its subject consents to. */
export interface ExpiredAttestation {
  uid: string;
  subject: string;
  level: number;
  expires_at: string;
  project_ids: string[];
}

/** Attestations whose expiry is in (since, until] (chain time), of subjects consenting to a project. */
export async function expiredAttestations(
  db: Db,
  views: string,
  range: { since: bigint; until: bigint },
): Promise<ExpiredAttestation[]> {
  const { rows } = await sql<ExpiredAttestation>`
    SELECT a.uid, a.subject, a.level, a.expires_at::text, s.consented_project_ids::text[] AS project_ids
      FROM ${sql.table(`${views}.attestations`)} a
      JOIN ${sql.table(`${views}.subjects`)} s ON s.subject = a.subject AND s.uid = a.uid
     WHERE a.status = 'active' AND a.current AND a.expires_at > 0
       AND a.expires_at > ${range.since.toString()} AND a.expires_at <= ${range.until.toString()}
       AND cardinality(s.consented_project_ids) > 0`.execute(db);
  return rows;
}
