/**
 * Statements on `webhook_deliveries` and `webhook_attempts`: the worker's claim, result record,
 * reaper and gauges; the API's delivery log and replays; and the wake-up both send when
 * deliveries become due.
 */
import { type Selectable, sql } from "kysely";
import type { ApiDatabase } from "../../db/tables.js";
import { wakeChannel } from "../policy.js";
import { type Db, deliveryId, type StoredEvent } from "./events.js";

/** Tells the workers (they LISTEN on the channel) that deliveries are due. */
export async function notifyDue(db: Db, apiSchema: string): Promise<void> {
  await sql`SELECT pg_notify(${wakeChannel(apiSchema)}, '')`.execute(db);
}

/**
 * held (waiting for confirmations), pending, delivering (leased), failed (will retry), delivered,
 * dead (retries exhausted), cancelled (retracted before delivery).
 */
export const DELIVERY_STATUSES = ["held", "pending", "delivering", "failed", "delivered", "dead", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// ---------------------------------------------------------------- the worker

/** A delivery this worker leased, with its endpoint and its event. */
export type ClaimedDelivery = StoredEvent & {
  delivery_id: string;
  endpoint_id: string;
  project_id: string;
  attempts: number;
  url: string;
  rate_limit_per_second: number;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | null;
};

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** The backend pid of the worker's session: its leases end when the session does. */
  sessionPid: number;
  /** Requests in flight to one endpoint, at most. */
  endpointConcurrency: number;
  /** This worker's requests in flight per endpoint now. */
  inFlight: Record<string, number>;
}

/**
 * Leases up to `limit` due deliveries (`FOR UPDATE SKIP LOCKED`). Per endpoint, at most its free
 * share of the per-endpoint cap, so one slow endpoint with a backlog cannot take every slot while
 * other projects' deliveries wait. Rows locked in the lateral but not picked are released when
 * the statement ends.
 */
export async function claimDeliveries(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const cap = options.endpointConcurrency;
  const { rows } = await sql<ClaimedDelivery>`
    WITH picked AS (
      SELECT x.id, x.next_attempt_at, ep.id AS endpoint_id,
             row_number() OVER (PARTITION BY ep.id ORDER BY x.next_attempt_at) AS rank
        FROM webhook_endpoints ep
       CROSS JOIN LATERAL (
             SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
              WHERE d.endpoint_id = ep.id AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= now()
              ORDER BY d.next_attempt_at
              LIMIT ${cap}
              FOR UPDATE SKIP LOCKED) x
       WHERE ep.enabled AND ep.deleted_at IS NULL
    ), due AS (
      SELECT id FROM picked
       WHERE rank <= ${cap} - COALESCE((${JSON.stringify(options.inFlight)}::jsonb ->> endpoint_id)::integer, 0)
       ORDER BY next_attempt_at
       LIMIT ${options.limit}
    ), claimed AS (
      UPDATE webhook_deliveries d
         SET status = 'delivering', lease_until = now() + make_interval(secs => ${options.leaseMs}::double precision / 1000),
             lease_pid = ${options.sessionPid}
        FROM due WHERE d.id = due.id
      RETURNING d.id, d.event_id, d.endpoint_id, d.project_id, d.attempts
    )
    SELECT e.*, c.id AS delivery_id, c.endpoint_id, c.project_id::text AS project_id, c.attempts,
           ep.url, ep.rate_limit_per_second, ep.secret_ciphertext, ep.previous_secret_ciphertext,
           ep.previous_secret_expires_at
      FROM claimed c
      JOIN webhook_endpoints ep ON ep.id = c.endpoint_id
      JOIN webhook_events e ON e.id = c.event_id`.execute(db);
  return rows;
}

/** How one leased delivery ended: an attempt (with its outcome), or a wait for the rate limit. */
export type DeliveryResult =
  | {
      id: string;
      outcome: "delivered" | "failed" | "dead" | "gone";
      attempt: number;
      at: Date;
      statusCode: number | null;
      latencyMs: number;
      error: string | null;
      next: Date | null;
    }
  | { id: string; outcome: "deferred"; next: Date };

/**
 * Records a batch of results in one statement: the delivery's new state and, for attempts, the
 * attempt log. Only deliveries this session still leases are touched. Returns what was written.
 */
export async function recordResults(
  db: Db,
  sessionPid: number,
  results: readonly DeliveryResult[],
): Promise<{ id: string; endpoint_id: string; outcome: string }[]> {
  const rows = results.map((r) =>
    r.outcome === "deferred"
      ? { id: r.id, outcome: "deferred", next_at: r.next.toISOString(), counted: false }
      : {
          id: r.id,
          outcome: r.outcome,
          attempt: r.attempt,
          at: r.at.toISOString(),
          status_code: r.statusCode,
          latency_ms: r.latencyMs,
          error: r.error,
          next_at: r.next?.toISOString() ?? null,
          counted: true,
        },
  );
  const { rows: written } = await sql<{ id: string; endpoint_id: string; outcome: string }>`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, outcome text, attempt integer,
             at timestamptz, status_code integer, latency_ms integer, error text, next_at timestamptz, counted boolean)
    ), u AS (
      UPDATE webhook_deliveries d SET
             status = CASE
               WHEN r.outcome = 'delivered' THEN 'delivered'
               WHEN e.state = 'retracted' THEN 'cancelled'
               WHEN r.outcome = 'deferred' THEN CASE WHEN d.attempts = 0 THEN 'pending' ELSE 'failed' END
               WHEN r.outcome IN ('dead', 'gone') THEN 'dead'
               ELSE 'failed' END,
             attempts = CASE WHEN r.counted THEN r.attempt ELSE d.attempts END,
             last_status_code = CASE WHEN r.counted THEN r.status_code ELSE d.last_status_code END,
             next_attempt_at = CASE WHEN r.outcome IN ('failed', 'deferred') AND e.state <> 'retracted'
                                    THEN r.next_at END,
             delivered_at = CASE WHEN r.outcome = 'delivered' THEN r.at ELSE d.delivered_at END,
             lease_until = NULL, lease_pid = NULL
        FROM r, webhook_events e
       WHERE d.id = r.id AND e.id = d.event_id AND d.status = 'delivering' AND d.lease_pid = ${sessionPid}
      RETURNING d.id, d.endpoint_id
    ), a AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, error)
      SELECT r.id, r.attempt, r.at, r.status_code, r.latency_ms, r.error FROM r JOIN u ON u.id = r.id
       WHERE r.counted
    )
    SELECT u.id, u.endpoint_id, r.outcome FROM u JOIN r ON r.id = u.id`.execute(db);
  return written;
}

/** Hands deliveries leased by dead sessions, or past their lease, back to the queue; returns how many. */
export async function reapLeases(db: Db): Promise<number> {
  const result = await sql`
    UPDATE webhook_deliveries d
       SET status = CASE WHEN d.attempts = 0 THEN 'pending' ELSE 'failed' END,
           next_attempt_at = now(), lease_until = NULL, lease_pid = NULL
     WHERE d.status = 'delivering'
       AND (d.lease_until < now() OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.lease_pid))`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0n);
}

/** How many deliveries are due now (all workers), for the queue-depth gauge. */
export async function countDue(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM webhook_deliveries
     WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Sessions named `applicationName` on this database: the live workers. */
export async function countSessions(db: Db, applicationName: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM pg_stat_activity
     WHERE application_name = ${applicationName} AND datname = current_database()`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------- the API's delivery log and replays

export type DeliveryRow = Selectable<ApiDatabase["webhook_deliveries"]> & {
  event_type: string;
  status: DeliveryStatus;
};
export type AttemptRow = Selectable<ApiDatabase["webhook_attempts"]>;

export interface DeliveryPageQuery {
  endpointId?: string;
  status?: DeliveryStatus;
  /** Only deliveries created before this one (keyset: created_at desc, id desc). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

function deliveriesOf(db: Db, projectId: bigint) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as e", "e.id", "d.event_id")
    .selectAll("d")
    .select("e.type as event_type")
    .where("d.project_id", "=", projectId.toString());
}

/** A page of the project's delivery log, newest first. */
export async function listDeliveries(db: Db, projectId: bigint, query: DeliveryPageQuery): Promise<DeliveryRow[]> {
  let q = deliveriesOf(db, projectId);
  if (query.endpointId) q = q.where("d.endpoint_id", "=", query.endpointId);
  if (query.status) q = q.where("d.status", "=", query.status);
  const before = query.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb("d.created_at", "<", before.createdAt),
        eb.and([eb("d.created_at", "=", before.createdAt), eb("d.id", "<", before.id)]),
      ]),
    );
  }
  return (await q
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(query.limit)
    .execute()) as DeliveryRow[];
}

/** One delivery of the project, if it is the project's. */
export async function findDelivery(db: Db, projectId: bigint, id: string): Promise<DeliveryRow | undefined> {
  return (await deliveriesOf(db, projectId).where("d.id", "=", id).executeTakeFirst()) as DeliveryRow | undefined;
}

/** Every attempt of a delivery, in order. */
export function attemptsOf(db: Db, id: string): Promise<AttemptRow[]> {
  return db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", id).orderBy("id").execute();
}

/** Sends a delivery again now, with a fresh retry schedule (not while held, cancelled or in flight). */
export async function replayDelivery(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ status: "pending", attempts: 0, next_attempt_at: now })
    .where("id", "=", id)
    .where("status", "not in", ["held", "cancelled", "delivering"])
    .execute();
}

/**
 * Queues every final or live event of the project in [since, until] (event time, Unix seconds)
 * that the endpoint subscribes to, with the deliveries' existing ids; events still waiting for
 * confirmations are left to the normal path. Returns how many.
 */
export async function replayRange(
  db: Db,
  projectId: bigint,
  endpoint: { id: string; event_types: string[] },
  range: { since: number; until: number },
): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH picked AS (
      SELECT e.id FROM webhook_events e
       WHERE ${projectId.toString()}::bigint = ANY (e.project_ids) AND e.state <> 'retracted'
         AND e.type NOT IN ('webhook.test', 'event.retracted')
         AND coalesce(e.block_timestamp, extract(epoch FROM e.created_at)::bigint) BETWEEN ${range.since} AND ${range.until}
         AND (cardinality(${endpoint.event_types}::text[]) = 0 OR e.type = ANY (${endpoint.event_types}::text[]))
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries h
                          WHERE h.event_id = e.id AND h.endpoint_id = ${endpoint.id} AND h.status IN ('held', 'delivering'))
    ), upserted AS (
      INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, next_attempt_at)
      SELECT ${deliveryId(sql.ref("p.id"), sql`${endpoint.id}`)}, p.id, ${endpoint.id}, ${projectId.toString()}::bigint,
             'pending', now()
        FROM picked p
      ON CONFLICT (event_id, endpoint_id) DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = now()
      RETURNING 1
    )
    SELECT count(*)::text AS n FROM upserted`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
