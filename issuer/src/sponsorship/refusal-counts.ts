/**
 * Sponsorship refusals counted per project, clock hour and reason, for the indexer's
 * `sponsorship_refusal_spike` rule (table sponsorship_refusals, migration 0004). A refusal is
 * counted in memory (no wait, nothing that can fail the JSON-RPC answer) and the counts are
 * written in one upsert every `flushMs`. While the database is away the counts are kept and
 * retried, up to `maxBuckets` of them: past that, new buckets are dropped and counted in `dropped`
 * (a refusal spray over made-up project ids must not grow the process without bound).
 */
import { type Kysely, sql } from "kysely";
import type { IssuerDatabase } from "../ledger/types.js";

const HOUR_MS = 3_600_000;
/** What the table's check accepts; anything else is counted as "other" rather than failing the batch. */
const REASON = /^[a-z0-9_]{1,64}$/;
/** How long the table keeps an hour: the rule reads one week; the margin serves an investigation. */
const KEEP_MS = 30 * 24 * HOUR_MS;

export interface RefusalCounts {
  /** Counts one refusal; never throws, never waits. */
  count(projectId: bigint, reason: string): void;
  /** Writes the counts so far (the timer calls it); a failure keeps them for the next flush. */
  flush(): Promise<void>;
  /** Buckets dropped because too many were waiting for the database. */
  readonly dropped: number;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

interface Bucket {
  project_id: string;
  hour: Date;
  reason: string;
  count: number;
}

export function createRefusalCounts(
  db: Kysely<IssuerDatabase>,
  options: {
    flushMs?: number;
    maxBuckets?: number;
    now?: () => Date;
    /** Told of a failed write (the error's code only: a message may hold the database URL). */
    onError?: (errorCode: string | undefined) => void;
  } = {},
): RefusalCounts {
  const maxBuckets = options.maxBuckets ?? 10_000;
  const now = options.now ?? (() => new Date());
  let pending = new Map<string, Bucket>();
  let dropped = 0;
  let flushing: Promise<void> | undefined;
  let prunedAt = 0;

  const add = (bucket: Bucket) => {
    const key = `${bucket.project_id}|${bucket.hour.getTime()}|${bucket.reason}`;
    const existing = pending.get(key);
    if (existing) existing.count += bucket.count;
    else if (pending.size < maxBuckets) pending.set(key, { ...bucket });
    else dropped++;
  };

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    let written = 0;
    try {
      while (written < batch.length) {
        const chunk = batch.slice(written, written + 1000);
        await db
          .insertInto("sponsorship_refusals")
          .values(chunk)
          .onConflict((oc) =>
            oc
              .columns(["project_id", "hour", "reason"])
              .doUpdateSet({ count: sql`sponsorship_refusals.count + excluded.count` }),
          )
          .execute();
        written += chunk.length;
      }
      const at = now().getTime();
      if (at - prunedAt > HOUR_MS) {
        prunedAt = at;
        await db
          .deleteFrom("sponsorship_refusals")
          .where("hour", "<", new Date(at - KEEP_MS))
          .execute();
      }
    } catch (error) {
      // What was not written waits for the next flush.
      for (const bucket of batch.slice(written)) add(bucket);
      options.onError?.((error as { code?: string }).code);
    }
  }

  const flush = () => {
    // One write at a time: a slow database must not stack concurrent upserts of the same rows.
    flushing ??= write().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.flushMs ?? 10_000);
  timer.unref();

  return {
    count(projectId, reason) {
      const at = now().getTime();
      add({
        project_id: projectId.toString(),
        hour: new Date(Math.floor(at / HOUR_MS) * HOUR_MS),
        reason: REASON.test(reason) ? reason : "other",
        count: 1,
      });
    },
    flush,
    get dropped() {
      return dropped;
    },
    async stop() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}
