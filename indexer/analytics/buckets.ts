/** UTC hour and day buckets, and the one statement that adds rows into the rollups. */
import { type Kysely, sql } from "kysely";
import type { ApiDatabase } from "../db/tables.js";
import { METRICS, type MetricName } from "./metrics.js";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export type Granularity = "hour" | "day";

export const bucketStart = (at: number, granularity: Granularity): number => {
  const size = granularity === "hour" ? HOUR_MS : DAY_MS;
  return Math.floor(at / size) * size;
};

export interface RollupRow {
  projectId: string;
  metric: MetricName;
  dimension: string;
  granularity: Granularity;
  bucketStart: number;
  value: string;
  histogram: number[] | null;
}

const BATCH = 10_000;

/**
 * Adds rows into the rollups: a row already there gains the value and, bucket by bucket, the
 * histogram. One transaction (all rows or none, so a failed flush can be retried whole); rows go
 * in key order so two processes flushing overlapping keys cannot deadlock.
 */
export async function addRollups(db: Kysely<ApiDatabase>, rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  const inTransaction = (run: (trx: Kysely<ApiDatabase>) => Promise<void>) =>
    db.isTransaction ? run(db) : db.transaction().execute(run);
  await inTransaction(async (trx) => {
    const sorted = [...rows].sort((a, b) =>
      a.projectId !== b.projectId
        ? a.projectId < b.projectId
          ? -1
          : 1
        : a.granularity !== b.granularity
          ? a.granularity < b.granularity
            ? -1
            : 1
          : a.bucketStart - b.bucketStart ||
            (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.dimension < b.dimension ? -1 : 1),
    );
    // One statement per batch with each column as an array (unnest): one parse and a few
    // parameters, instead of eight parameters per row; about twice as fast as multi-row VALUES.
    for (let i = 0; i < sorted.length; i += BATCH) {
      const batch = sorted.slice(i, i + BATCH);
      await sql`
        INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value, histogram)
        SELECT project_id, family, metric, dimension, granularity, to_timestamp(bucket_ms / 1000.0), value, histogram::bigint[]
          FROM unnest(${batch.map((r) => r.projectId)}::bigint[], ${batch.map((r) => METRICS[r.metric].family)}::text[],
                      ${batch.map((r) => r.metric)}::text[], ${batch.map((r) => r.dimension)}::text[],
                      ${batch.map((r) => r.granularity)}::text[], ${batch.map((r) => r.bucketStart)}::float8[],
                      ${batch.map((r) => r.value)}::numeric[],
                      ${batch.map((r) => (r.histogram ? `{${r.histogram.join(",")}}` : null))}::text[])
               WITH ORDINALITY AS r(project_id, family, metric, dimension, granularity, bucket_ms, value, histogram, ord)
         ORDER BY ord
        ON CONFLICT (project_id, family, granularity, bucket_start, metric, dimension) DO UPDATE SET
          value = analytics_rollups.value + excluded.value,
          histogram = CASE WHEN analytics_rollups.histogram IS NULL THEN excluded.histogram
            ELSE (SELECT array_agg(a + b ORDER BY i)
                    FROM unnest(analytics_rollups.histogram, excluded.histogram) WITH ORDINALITY AS h(a, b, i))
            END`.execute(trx);
    }
  });
}
