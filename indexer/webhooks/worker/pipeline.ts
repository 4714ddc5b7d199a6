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
 * 4. expiry: active attestations past their expiry (chain time) become `attestation.expired`;
 * 5. release: held deliveries whose policy is met become due.
 *
 * Then, in a transaction of its own (./chainTrail.ts), governance and role changes that are now
 * final enter the audit trail, each exactly once.
 *
 * Outbox ids are `chainId:blockHash:logIndex`: a re-indexed event has the same id (so nothing is
 * ingested twice), an event re-mined after a reorg has a new one. Every statement is in ../store/;
 * every derived event in ../derived/.
 */
import { sql } from "kysely";
import { attestationExpiredEvent, expiryWindow } from "../derived/attestationExpired.js";
import { budgetLowEvent, projectsSpending } from "../derived/budgetLow.js";
import { eventRetractedEvent } from "../derived/eventRetracted.js";
import { eventIdFor } from "../envelope.js";
import { notifyDue } from "../store/deliveries.js";
import { budgetLowThresholds } from "../store/endpoints.js";
import {
  addDeliveries,
  advanceCursor,
  type Db,
  type EventRow,
  fanOut,
  finalizeEvents,
  insertEvents,
  orphanedEvents,
  readCursor,
  releaseHeld,
  retractEvents,
} from "../store/events.js";
import { type Checkpoint, expiredAttestations, newOutboxRows, readCheckpoint, viewsExist } from "../store/views.js";
import { copyFinalToTrail } from "./chainTrail.js";
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
  /** Audit entries the chain trail wrote. */
  trailed: number;
  latestBlock?: bigint;
  finalizedBlock?: bigint;
}

type Head = { latest: { number: bigint; timestamp: bigint }; finalized: { number: bigint; timestamp: bigint } };

const INGEST_BATCH = 2_000;
const PIPELINE_LOCK = 0x0e1c_b00c;

export class Pipeline {
  constructor(
    private readonly db: Db,
    private readonly config: WorkerConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The checkpoint the last committed pass saw, and when it last scanned for expiries. */
  #lastCheckpoint = "";
  #lastExpiryScan = 0;

  /**
   * Runs one pass; `ran` is false when nothing can have changed (same checkpoint, expiry scanned
   * within the second), another worker holds the pass, or Ponder has no views yet.
   */
  async pass(): Promise<PassResult> {
    const result: PassResult = { ran: false, ingested: 0, retracted: 0, released: 0, expired: 0, trailed: 0 };
    // Outside a transaction, one cheap read: new outbox rows only ever come with a new checkpoint.
    const checkpoint = await readCheckpoint(this.db, this.config.viewsSchema, this.config.chainId);
    if (!checkpoint) return result;
    const seen = `${checkpoint.latest_checkpoint}/${checkpoint.finalized_checkpoint}`;
    const expiryDue = this.now().getTime() - this.#lastExpiryScan >= 1_000;
    if (seen === this.#lastCheckpoint && !expiryDue) return result;

    const ran = await this.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (trx) => {
        const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${PIPELINE_LOCK}) AS ok`.execute(trx);
        if (!lock.rows[0]?.ok) return false;
        const head = await this.#head(trx);
        if (!head) return false;
        await this.#run(trx, head, result);
        return true;
      });
    if (ran) {
      // After the pass committed, so the trail reads what it finalized; a failure here leaves the
      // checkpoint unrecorded and the next pass tries again.
      if (result.finalizedBlock !== undefined) {
        result.trailed = (await copyFinalToTrail(this.db, this.config.viewsSchema, result.finalizedBlock)).written;
      }
      this.#lastCheckpoint = seen;
      this.#lastExpiryScan = this.now().getTime();
    }
    return result;
  }

  async #run(trx: Db, head: Head, result: PassResult): Promise<void> {
    result.ran = true;
    result.latestBlock = head.latest.number;
    result.finalizedBlock = head.finalized.number;
    let batch: number;
    do {
      batch = await this.#ingest(trx, head.latest.number, head.finalized.number);
      result.ingested += batch;
    } while (batch === INGEST_BATCH);
    await advanceCursor(trx, "ingested_final", head.finalized.number);
    result.retracted = await this.#retract(trx, head.latest.number);
    await finalizeEvents(trx, head.finalized.number);
    const chainNow = BigInt(Math.max(Math.floor(this.now().getTime() / 1000), Number(head.latest.timestamp)));
    result.expired = await this.#expire(trx, chainNow);
    result.released = await releaseHeld(trx, head.latest.number, head.finalized.number);
    if (result.released > 0 || result.retracted > 0 || result.expired > 0) {
      await notifyDue(trx, this.config.apiSchema);
    }
  }

  async #head(trx: Db): Promise<Head | undefined> {
    if (!(await viewsExist(trx, this.config.viewsSchema))) return undefined;
    const row: Checkpoint | undefined = await readCheckpoint(trx, this.config.viewsSchema, this.config.chainId);
    if (!row) return undefined;
    return { latest: checkpointBlock(row.latest_checkpoint), finalized: checkpointBlock(row.finalized_checkpoint) };
  }

  /** Ingests up to INGEST_BATCH new outbox rows; returns how many. */
  async #ingest(trx: Db, latest: bigint, finalized: bigint): Promise<number> {
    // Rows at or below the cursor are final and were all ingested by an earlier pass.
    const after = await readCursor(trx, "ingested_final");
    const rows = await newOutboxRows(trx, this.config.viewsSchema, { after, upTo: latest }, INGEST_BATCH);
    if (rows.length === 0) return 0;
    const thresholds = await budgetLowThresholds(trx, projectsSpending(rows));
    const events: EventRow[] = [];
    for (const row of rows) {
      const event: EventRow = {
        id: eventIdFor(row.id),
        source_id: row.id,
        outbox_id: row.id,
        type: row.type,
        project_ids: row.project_ids,
        chain_id: row.chain_id,
        block_number: row.block_number,
        block_hash: row.block_hash,
        block_timestamp: row.block_timestamp,
        transaction_hash: row.transaction_hash,
        log_index: row.log_index,
        data: row.payload,
        state: BigInt(row.block_number) <= finalized ? "final" : "live",
      };
      events.push(event);
      const low = budgetLowEvent(row, event, thresholds);
      if (low) events.push(low);
    }
    await fanOut(trx, await insertEvents(trx, events), this.config.defaultConfirmations);
    return rows.length;
  }

  /** Retracts live events orphaned by a reorg; returns how many. */
  async #retract(trx: Db, latest: bigint): Promise<number> {
    const orphans = await orphanedEvents(trx, this.config.viewsSchema, latest);
    if (orphans.length === 0) return 0;
    const seen = await retractEvents(
      trx,
      orphans.map((o) => o.id),
    );
    const retractions = orphans.map(eventRetractedEvent);
    const fresh = new Set(await insertEvents(trx, retractions));
    const retractionOf = new Map(orphans.map((o, i) => [o.id, retractions[i]?.id as string]));
    await addDeliveries(
      trx,
      seen
        .map((s) => ({
          eventId: retractionOf.get(s.event_id) as string,
          endpointId: s.endpoint_id,
          projectId: s.project_id,
        }))
        .filter((t) => fresh.has(t.eventId)),
    );
    return orphans.length;
  }

  /** Emits attestation.expired for current, active attestations past expiry; returns how many new. */
  async #expire(trx: Db, chainNow: bigint): Promise<number> {
    const window = expiryWindow(await readCursor(trx, "expired_through"), chainNow);
    const rows = await expiredAttestations(trx, this.config.viewsSchema, window);
    await advanceCursor(trx, "expired_through", chainNow);
    if (rows.length === 0) return 0;
    const inserted = await insertEvents(
      trx,
      rows.map((r) => attestationExpiredEvent(this.config.chainId, r)),
    );
    await fanOut(trx, inserted, this.config.defaultConfirmations);
    return inserted.length;
  }
}
