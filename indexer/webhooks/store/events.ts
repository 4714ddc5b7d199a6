/**
 * Statements on `webhook_events` and on the deliveries made for them: ingest (insert events and
 * fan them out to subscribed endpoints), explicit deliveries, finality, release, retraction and
 * the pipeline's cursors. The `webhook_events` row is declared here once (EventRow) and so is the
 * delivery id (`deliveryId`).
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { ApiDatabase } from "../../db/tables.js";

export type Db = Kysely<ApiDatabase>;

/** live: block not final yet; final; retracted: a reorg removed it. */
export type EventState = "live" | "final" | "retracted";

/** A `webhook_events` row as the worker writes it (bigints as decimal strings). */
export interface EventRow {
  id: string;
  /** What the event was derived from: the outbox id, or a synthetic key (expiry, budget.low, ...). */
  source_id: string;
  /** The outbox row whose disappearance (a reorg) retracts this event; null when not a chain event. */
  outbox_id: string | null;
  type: string;
  project_ids: string[];
  chain_id: number;
  block_number: string | null;
  block_hash: string | null;
  block_timestamp: string | null;
  transaction_hash: string | null;
  log_index: number | null;
  data: unknown;
  state: EventState;
}

/** A stored event as a delivery reads it back. */
export type StoredEvent = EventRow & { created_at: Date };

/** The SQL type of each column, for reading a JSON batch of rows (checked against EventRow). */
const EVENT_COLUMNS = {
  id: "text",
  source_id: "text",
  outbox_id: "text",
  type: "text",
  project_ids: "bigint[]",
  chain_id: "integer",
  block_number: "bigint",
  block_hash: "text",
  block_timestamp: "bigint",
  transaction_hash: "text",
  log_index: "integer",
  data: "jsonb",
  state: "text",
} satisfies Record<keyof EventRow, string>;

const columns = Object.keys(EVENT_COLUMNS);
const COLUMN_LIST = sql.raw(columns.join(", "));
const RECORD_COLUMNS = sql.raw(columns.map((c) => `x.${c}`).join(", "));
const RECORD_TYPES = sql.raw(
  Object.entries(EVENT_COLUMNS)
    .map(([c, type]) => `${c} ${type}`)
    .join(", "),
);

/** `dlv_` + 24 hex digits of md5(event id / endpoint id): one delivery per event and endpoint, ever. */
export function deliveryId(eventId: RawBuilder<unknown>, endpointId: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`'dlv_' || left(md5(${eventId} || '/' || ${endpointId}), 24)`;
}

/** Inserts events, skipping any whose source is already ingested; returns the ids it inserted. */
export async function insertEvents(db: Db, events: readonly EventRow[]): Promise<string[]> {
  if (events.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    INSERT INTO webhook_events (${COLUMN_LIST})
    SELECT ${RECORD_COLUMNS} FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS x(${RECORD_TYPES})
    ON CONFLICT (source_id) DO NOTHING
    RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * A delivery of each event to every enabled endpoint of its projects that subscribes to its type.
 * Time-based events (no block) are due at once; chain events are held for the project's policy.
 */
export async function fanOut(db: Db, eventIds: readonly string[], defaultConfirmations: number | null): Promise<void> {
  if (eventIds.length === 0) return;
  await sql`
    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, confirmations, next_attempt_at)
    SELECT ${deliveryId(sql.ref("e.id"), sql.ref("ep.id"))}, e.id, ep.id, ep.project_id,
           CASE WHEN e.block_number IS NULL THEN 'pending' ELSE 'held' END,
           CASE WHEN s.project_id IS NULL THEN ${defaultConfirmations}::integer ELSE s.confirmations END,
           now()
      FROM webhook_events e
      JOIN webhook_endpoints ep
        ON ep.project_id = ANY (e.project_ids) AND ep.enabled AND ep.deleted_at IS NULL
       AND (cardinality(ep.event_types) = 0 OR e.type = ANY (ep.event_types))
      LEFT JOIN webhook_settings s ON s.project_id = ep.project_id
     WHERE e.id = ANY (${eventIds}::text[])
    ON CONFLICT (event_id, endpoint_id) DO NOTHING`.execute(db);
}

/** One due delivery of an event to a named endpoint. */
export interface DeliveryTarget {
  eventId: string;
  endpointId: string;
  projectId: string;
}

/** Due deliveries to named endpoints (a retraction to those that may have seen the event, a test). */
export async function addDeliveries(db: Db, targets: readonly DeliveryTarget[]): Promise<string[]> {
  if (targets.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, next_attempt_at)
    SELECT ${deliveryId(sql.ref("x.eventId"), sql.ref("x.endpointId"))}, x."eventId", x."endpointId", x."projectId",
           'pending', now()
      FROM jsonb_to_recordset(${JSON.stringify(targets)}::jsonb) AS x("eventId" text, "endpointId" text, "projectId" bigint)
    ON CONFLICT (event_id, endpoint_id) DO NOTHING
    RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

/** Live events at or below the finalized block become final. */
export async function finalizeEvents(db: Db, finalized: bigint): Promise<void> {
  await sql`UPDATE webhook_events SET state = 'final' WHERE state = 'live' AND block_number <= ${finalized.toString()}`.execute(
    db,
  );
}

/** Makes held deliveries due once their policy holds; returns how many. */
export async function releaseHeld(db: Db, latest: bigint, finalized: bigint): Promise<number> {
  const result = await sql`
    UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now()
      FROM webhook_events e
     WHERE d.status = 'held' AND e.id = d.event_id AND e.state <> 'retracted'
       AND ((d.confirmations IS NULL AND e.block_number <= ${finalized.toString()})
         OR (d.confirmations IS NOT NULL AND e.block_number + d.confirmations <= ${latest.toString()}))`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** A live event whose outbox row a reorg removed. */
export interface OrphanedEvent {
  id: string;
  source_id: string;
  type: string;
  project_ids: string[];
  chain_id: number;
  block_number: string;
  block_hash: string;
}

/** Live chain events at or below `latest` whose outbox row is gone from Ponder's views. */
export async function orphanedEvents(db: Db, views: string, latest: bigint): Promise<OrphanedEvent[]> {
  const { rows } = await sql<OrphanedEvent>`
    SELECT e.id, e.source_id, e.type, e.project_ids::text[] AS project_ids, e.chain_id, e.block_number::text,
           e.block_hash
      FROM webhook_events e
     WHERE e.state = 'live' AND e.outbox_id IS NOT NULL AND e.block_number <= ${latest.toString()}
       AND NOT EXISTS (SELECT 1 FROM ${sql.table(`${views}.outbox`)} o WHERE o.id = e.outbox_id)`.execute(db);
  return rows;
}

/**
 * Marks events retracted and cancels their undelivered deliveries. Returns the endpoints that may
 * have seen them (an attempt was made): they hear of the retraction; the others never will.
 */
export async function retractEvents(
  db: Db,
  ids: readonly string[],
): Promise<{ event_id: string; endpoint_id: string; project_id: string }[]> {
  await sql`UPDATE webhook_events SET state = 'retracted' WHERE id = ANY (${ids}::text[])`.execute(db);
  const { rows: seen } = await sql<{ event_id: string; endpoint_id: string; project_id: string }>`
    SELECT event_id, endpoint_id, project_id::text FROM webhook_deliveries
     WHERE event_id = ANY (${ids}::text[]) AND (attempts > 0 OR status IN ('delivering', 'delivered', 'dead'))`.execute(
    db,
  );
  await sql`
    UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
     WHERE event_id = ANY (${ids}::text[]) AND status IN ('held', 'pending', 'failed')`.execute(db);
  return seen;
}

/**
 * The pipeline's watermarks: "ingested_final" (block), "expired_through" (chain time),
 * "trailed_paymaster" and "trailed_governance" (the blocks up to which the chain trail copied the
 * paymaster's operator events and the registries' governance events).
 */
export type CursorName = "ingested_final" | "expired_through" | "trailed_paymaster" | "trailed_governance";

export async function readCursor(db: Db, name: CursorName): Promise<bigint> {
  const { rows } = await sql<{ value: string }>`SELECT value FROM webhook_cursors WHERE name = ${name}`.execute(db);
  return rows[0] ? BigInt(rows[0].value) : -1n;
}

export async function advanceCursor(db: Db, name: CursorName, value: bigint): Promise<void> {
  await sql`
    INSERT INTO webhook_cursors (name, value) VALUES (${name}, ${value.toString()})
    ON CONFLICT (name) DO UPDATE SET value = GREATEST(webhook_cursors.value, EXCLUDED.value)`.execute(db);
}
