/**
 * Turns indexed chain state into deliveries. One worker at a time runs a pass (a transaction-level
 * advisory lock); every worker can deliver. A pass, in one REPEATABLE READ snapshot of Ponder's
 * views and the worker's tables:
 *
 * 1. ingest: outbox rows not yet seen become `webhook_events` (plus derived `budget.low`), and
 *    each gets a delivery per subscribed, enabled endpoint of the projects it concerns, `held`
 *    until the project's confirmation policy is met;
 * 2. retract: a live event whose outbox row is gone although Ponder has indexed past its block was
 *    orphaned by a reorg: undelivered deliveries are cancelled, and endpoints that may have seen it
 *    get an `event.retracted`;
 * 3. finalize: events at or below the finalized block become final;
 * 4. release: held deliveries whose policy is met become due;
 * 5. expiry: active attestations past their expiry (chain time) become `attestation.expired`.
 *
 * Outbox ids are `chainId:blockHash:logIndex`: a re-indexed event has the same id (so nothing is
 * ingested twice), an event re-mined after a reorg has a new one.
 */
import type pg from "pg";
import { eventIdFor } from "../src/webhooks/events.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD, wakeChannel } from "../src/webhooks/policy.js";
import type { WorkerConfig } from "./config.js";

/** Ponder's checkpoint encodes the block timestamp (10 digits), chain id (16), block number (16). */
function checkpointBlock(checkpoint: string): { number: bigint; timestamp: bigint } {
  return { timestamp: BigInt(checkpoint.slice(0, 10)), number: BigInt(checkpoint.slice(26, 42)) };
}

export interface PassResult {
  ran: boolean;
  ingested: number;
  retracted: number;
  released: number;
  expired: number;
  latestBlock?: bigint;
  finalizedBlock?: bigint;
}

interface OutboxRow {
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

interface NewEvent {
  id: string;
  source_id: string;
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
  state: "live" | "final";
}

const INGEST_BATCH = 2_000;
const PIPELINE_LOCK = 0x0e1c_b00c;

export class Pipeline {
  readonly #views: string;
  constructor(
    private readonly pool: pg.Pool,
    private readonly config: WorkerConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#views = `"${config.viewsSchema}"`;
  }

  /** The checkpoint the last committed pass saw, and when it last scanned for expiries. */
  #lastCheckpoint = "";
  #lastExpiryScan = 0;

  /**
   * Runs one pass; `ran` is false when nothing can have changed (same checkpoint, expiry scanned
   * within the second), another worker holds the pass, or Ponder has no views yet.
   */
  async pass(): Promise<PassResult> {
    const result: PassResult = { ran: false, ingested: 0, retracted: 0, released: 0, expired: 0 };
    // Outside a transaction, one cheap read: new outbox rows only ever come with a new checkpoint.
    let seen: string;
    try {
      const { rows } = await this.pool.query<{ latest_checkpoint: string; finalized_checkpoint: string }>(
        `SELECT latest_checkpoint, finalized_checkpoint FROM ${this.#views}."_ponder_checkpoint" WHERE chain_id = $1`,
        [this.config.chainId],
      );
      if (!rows[0]) return result;
      seen = `${rows[0].latest_checkpoint}/${rows[0].finalized_checkpoint}`;
    } catch (error) {
      if ((error as { code?: string }).code === "42P01") return result; // Ponder has no views yet
      throw error;
    }
    const expiryDue = this.now().getTime() - this.#lastExpiryScan >= 1_000;
    if (seen === this.#lastCheckpoint && !expiryDue) return result;

    const client = await this.pool.connect();
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const lock = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [PIPELINE_LOCK]);
      if (!lock.rows[0]?.ok) {
        await client.query("ROLLBACK");
        return result;
      }
      const head = await this.#head(client);
      if (!head) {
        await client.query("ROLLBACK");
        return result;
      }
      result.ran = true;
      result.latestBlock = head.latest.number;
      result.finalizedBlock = head.finalized.number;

      let batch: number;
      do {
        batch = await this.#ingest(client, head.latest.number, head.finalized.number);
        result.ingested += batch;
      } while (batch === INGEST_BATCH);
      await this.#advanceCursor(client, "ingested_final", head.finalized.number);
      result.retracted = await this.#retract(client, head.latest.number);
      await client.query("UPDATE webhook_events SET state = 'final' WHERE state = 'live' AND block_number <= $1", [
        head.finalized.number.toString(),
      ]);
      const chainNow = BigInt(Math.max(Math.floor(this.now().getTime() / 1000), Number(head.latest.timestamp)));
      result.expired = await this.#expire(client, chainNow);
      result.released = await this.#release(client, head.latest.number, head.finalized.number);
      if (result.released > 0 || result.retracted > 0 || result.expired > 0) {
        await client.query(`SELECT pg_notify($1, '')`, [wakeChannel(this.config.apiSchema)]);
      }
      await client.query("COMMIT");
      this.#lastCheckpoint = seen;
      this.#lastExpiryScan = this.now().getTime();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #head(client: pg.PoolClient) {
    const views = await client.query<{ found: string | null }>("SELECT to_regclass($1) AS found", [
      `${this.#views}."_ponder_checkpoint"`,
    ]);
    if (!views.rows[0]?.found) return undefined;
    const { rows } = await client.query<{ latest_checkpoint: string; finalized_checkpoint: string }>(
      `SELECT latest_checkpoint, finalized_checkpoint FROM ${this.#views}."_ponder_checkpoint" WHERE chain_id = $1`,
      [this.config.chainId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { latest: checkpointBlock(row.latest_checkpoint), finalized: checkpointBlock(row.finalized_checkpoint) };
  }

  async #cursor(client: pg.PoolClient, name: string): Promise<bigint> {
    const { rows } = await client.query<{ value: string }>("SELECT value FROM webhook_cursors WHERE name = $1", [name]);
    return rows[0] ? BigInt(rows[0].value) : -1n;
  }

  async #advanceCursor(client: pg.PoolClient, name: string, value: bigint): Promise<void> {
    await client.query(
      `INSERT INTO webhook_cursors (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = GREATEST(webhook_cursors.value, EXCLUDED.value)`,
      [name, value.toString()],
    );
  }

  /** Ingests up to INGEST_BATCH new outbox rows; returns how many. */
  async #ingest(client: pg.PoolClient, latest: bigint, finalized: bigint): Promise<number> {
    // Rows at or below the cursor are final and were all ingested by an earlier pass.
    const cursor = await this.#cursor(client, "ingested_final");
    const { rows } = await client.query<OutboxRow>(
      `SELECT o.id, o.chain_id, o.block_number::text, o.block_hash, o.block_timestamp::text, o.transaction_hash,
              o.log_index, o.type, o.project_ids::text[] AS project_ids, o.payload
         FROM ${this.#views}.outbox o
        WHERE o.block_number > $1 AND o.block_number <= $2
          AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.source_id = o.id)
        ORDER BY o.block_number, o.log_index
        LIMIT ${INGEST_BATCH}`,
      [cursor.toString(), latest.toString()],
    );
    if (rows.length === 0) return 0;
    const thresholds = await this.#budgetThresholds(client, rows);
    const events: NewEvent[] = [];
    for (const row of rows) {
      const state = BigInt(row.block_number) <= finalized ? "final" : "live";
      const base = {
        outbox_id: row.id,
        project_ids: row.project_ids,
        chain_id: row.chain_id,
        block_number: row.block_number,
        block_hash: row.block_hash,
        block_timestamp: row.block_timestamp,
        transaction_hash: row.transaction_hash,
        log_index: row.log_index,
        state,
      } as const;
      events.push({ ...base, id: eventIdFor(row.id), source_id: row.id, type: row.type, data: row.payload });
      const low = budgetLow(row, thresholds);
      if (low) {
        const sourceId = `${row.id}:budget.low`;
        events.push({ ...base, id: eventIdFor(sourceId), source_id: sourceId, type: "budget.low", data: low });
      }
    }
    await this.#insertEvents(client, events);
    return rows.length;
  }

  /** Each project's budget.low threshold, for the sponsorship rows of a batch. */
  async #budgetThresholds(client: pg.PoolClient, rows: OutboxRow[]): Promise<Map<string, bigint>> {
    const projects = [
      ...new Set(
        rows
          .filter((r) => r.type === "sponsorship.operation" || r.type === "sponsorship.withdrawn")
          .flatMap((r) => r.project_ids),
      ),
    ];
    const thresholds = new Map<string, bigint>();
    if (projects.length === 0) return thresholds;
    const { rows: settings } = await client.query<{ project_id: string; threshold: string }>(
      "SELECT project_id::text, budget_low_threshold::text AS threshold FROM webhook_settings WHERE project_id = ANY($1::bigint[])",
      [projects],
    );
    for (const s of settings) thresholds.set(s.project_id, BigInt(s.threshold));
    return thresholds;
  }

  /** Inserts events (ignoring ones already there) and their deliveries; returns how many were new. */
  async #insertEvents(client: pg.PoolClient, events: NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO webhook_events (id, source_id, outbox_id, type, project_ids, chain_id, block_number, block_hash,
                                   block_timestamp, transaction_hash, log_index, data, state)
       SELECT x.id, x.source_id, x.outbox_id, x.type, x.project_ids, x.chain_id, x.block_number, x.block_hash,
              x.block_timestamp, x.transaction_hash, x.log_index, x.data, x.state
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, source_id text, outbox_id text, type text,
              project_ids bigint[], chain_id integer, block_number bigint, block_hash text, block_timestamp bigint,
              transaction_hash text, log_index integer, data jsonb, state text)
       ON CONFLICT (source_id) DO NOTHING
       RETURNING id`,
      [JSON.stringify(events)],
    );
    if (rows.length === 0) return 0;
    // Time-based events (no block) are due at once; chain events wait for the policy (release).
    await client.query(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, confirmations, next_attempt_at)
       SELECT 'dlv_' || left(md5(e.id || '/' || ep.id), 24), e.id, ep.id, ep.project_id,
              CASE WHEN e.block_number IS NULL THEN 'pending' ELSE 'held' END,
              CASE WHEN s.project_id IS NULL THEN $2::integer ELSE s.confirmations END,
              now()
         FROM webhook_events e
         JOIN webhook_endpoints ep
           ON ep.project_id = ANY (e.project_ids) AND ep.enabled AND ep.deleted_at IS NULL
          AND (cardinality(ep.event_types) = 0 OR e.type = ANY (ep.event_types))
         LEFT JOIN webhook_settings s ON s.project_id = ep.project_id
        WHERE e.id = ANY ($1::text[])
       ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
      [rows.map((r) => r.id), this.config.defaultConfirmations],
    );
    return rows.length;
  }

  /** Retracts live events orphaned by a reorg; returns how many. */
  async #retract(client: pg.PoolClient, latest: bigint): Promise<number> {
    const { rows: orphans } = await client.query<{
      id: string;
      source_id: string;
      type: string;
      project_ids: string[];
      chain_id: number;
      block_number: string;
      block_hash: string;
    }>(
      `SELECT e.id, e.source_id, e.type, e.project_ids::text[] AS project_ids, e.chain_id, e.block_number::text, e.block_hash
         FROM webhook_events e
        WHERE e.state = 'live' AND e.outbox_id IS NOT NULL AND e.block_number <= $1
          AND NOT EXISTS (SELECT 1 FROM ${this.#views}.outbox o WHERE o.id = e.outbox_id)`,
      [latest.toString()],
    );
    if (orphans.length === 0) return 0;
    const ids = orphans.map((o) => o.id);
    await client.query("UPDATE webhook_events SET state = 'retracted' WHERE id = ANY ($1::text[])", [ids]);
    // Endpoints that may have seen it (an attempt was made) hear of the retraction; the others
    // never will. Nothing of it is sent again either way.
    const { rows: seen } = await client.query<{ event_id: string; endpoint_id: string; project_id: string }>(
      `SELECT event_id, endpoint_id, project_id::text FROM webhook_deliveries
        WHERE event_id = ANY ($1::text[]) AND (attempts > 0 OR status IN ('delivering', 'delivered', 'dead'))`,
      [ids],
    );
    await client.query(
      `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
        WHERE event_id = ANY ($1::text[]) AND status IN ('held', 'pending', 'failed')`,
      [ids],
    );
    const retractions: NewEvent[] = orphans.map((o) => {
      const sourceId = `retract:${o.source_id}`;
      return {
        id: eventIdFor(sourceId),
        source_id: sourceId,
        outbox_id: null,
        type: "event.retracted",
        project_ids: o.project_ids,
        chain_id: o.chain_id,
        block_number: null,
        block_hash: null,
        block_timestamp: null,
        transaction_hash: null,
        log_index: null,
        data: { retractedId: o.id, retractedType: o.type, block: { number: o.block_number, hash: o.block_hash } },
        state: "final",
      };
    });
    const inserted = await client.query<{ id: string; source_id: string }>(
      `INSERT INTO webhook_events (id, source_id, type, project_ids, chain_id, data, state)
       SELECT x.id, x.source_id, x.type, x.project_ids, x.chain_id, x.data, x.state
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, source_id text, type text, project_ids bigint[],
              chain_id integer, data jsonb, state text)
       ON CONFLICT (source_id) DO NOTHING RETURNING id, source_id`,
      [JSON.stringify(retractions)],
    );
    const retractionOf = new Map(orphans.map((o) => [o.id, eventIdFor(`retract:${o.source_id}`)]));
    const fresh = new Set(inserted.rows.map((r) => r.id));
    const targets = seen
      .map((s) => ({
        eventId: retractionOf.get(s.event_id) as string,
        endpointId: s.endpoint_id,
        projectId: s.project_id,
      }))
      .filter((t) => fresh.has(t.eventId));
    if (targets.length > 0) {
      await client.query(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, next_attempt_at)
         SELECT 'dlv_' || left(md5(x.event_id || '/' || x.endpoint_id), 24), x.event_id, x.endpoint_id, x.project_id,
                'pending', now()
           FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, endpoint_id text, project_id bigint)
         ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
        [
          JSON.stringify(
            targets.map((t) => ({ event_id: t.eventId, endpoint_id: t.endpointId, project_id: t.projectId })),
          ),
        ],
      );
    }
    return orphans.length;
  }

  /** Makes held deliveries due once their policy holds; returns how many. */
  async #release(client: pg.PoolClient, latest: bigint, finalized: bigint): Promise<number> {
    const { rowCount } = await client.query(
      `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now()
         FROM webhook_events e
        WHERE d.status = 'held' AND e.id = d.event_id AND e.state <> 'retracted'
          AND ((d.confirmations IS NULL AND e.block_number <= $2)
            OR (d.confirmations IS NOT NULL AND e.block_number + d.confirmations <= $1))`,
      [latest.toString(), finalized.toString()],
    );
    return rowCount ?? 0;
  }

  /** Emits attestation.expired for current, active attestations past expiry; returns how many. */
  async #expire(client: pg.PoolClient, chainNow: bigint): Promise<number> {
    // Expiries up to an hour before the last scan are re-checked (late indexing); older ones were seen.
    const since = (await this.#cursor(client, "expired_through")) - 3600n;
    const { rows } = await client.query<{
      uid: string;
      subject: string;
      level: number;
      expires_at: string;
      project_ids: string[];
    }>(
      `SELECT a.uid, a.subject, a.level, a.expires_at::text, s.consented_project_ids::text[] AS project_ids
         FROM ${this.#views}.attestations a
         JOIN ${this.#views}.subjects s ON s.subject = a.subject AND s.uid = a.uid
        WHERE a.status = 'active' AND a.current AND a.expires_at > 0
          AND a.expires_at > $1 AND a.expires_at <= $2
          AND cardinality(s.consented_project_ids) > 0`,
      [since.toString(), chainNow.toString()],
    );
    await this.#advanceCursor(client, "expired_through", chainNow);
    if (rows.length === 0) return 0;
    const events: NewEvent[] = rows.map((r) => {
      const sourceId = `${this.config.chainId}:expired:${r.uid}`;
      return {
        id: eventIdFor(sourceId),
        source_id: sourceId,
        outbox_id: null,
        type: "attestation.expired",
        project_ids: r.project_ids,
        chain_id: this.config.chainId,
        block_number: null,
        block_hash: null,
        block_timestamp: r.expires_at,
        transaction_hash: null,
        log_index: null,
        data: { uid: r.uid, subject: r.subject, level: r.level, expiresAt: r.expires_at },
        state: "final",
      };
    });
    return this.#insertEvents(client, events);
  }
}

/** A budget.low payload when this sponsorship row took the balance below the project's threshold. */
function budgetLow(row: OutboxRow, thresholds: Map<string, bigint>): Record<string, string> | undefined {
  if (row.type !== "sponsorship.operation" && row.type !== "sponsorship.withdrawn") return undefined;
  const { balance, actualCost, amount } = row.payload as Record<string, string | undefined>;
  if (balance === undefined) return undefined;
  const projectId = row.project_ids[0] as string;
  const threshold = thresholds.get(projectId) ?? DEFAULT_BUDGET_LOW_THRESHOLD;
  const after = BigInt(balance);
  const before = after + BigInt(actualCost ?? amount ?? "0");
  if (before < threshold || after >= threshold) return undefined;
  return { projectId, balance, threshold: threshold.toString() };
}
