/**
 * Analytics rollups (indexer/analytics/): per project, metric and dimension, one row per hour and
 * one per day. Two kinds of rows share the table and never the same metric:
 * - streamed (API calls and latency): the producing process adds its buffered counts (additive);
 * - derived (chain, webhooks, trail, issuer sessions): the rebuild replaces a range from its
 *   source tables, so re-running it, or a re-index, never counts anything twice.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE analytics_rollups (
      project_id bigint NOT NULL,
      -- 'usage', 'cost' or 'performance' (analytics/metrics.ts names which metric is where).
      family text NOT NULL,
      metric text NOT NULL,
      -- What the metric is split by (route and status, provider, outcome); '' when nothing.
      dimension text NOT NULL DEFAULT '',
      -- 'hour' or 'day' (UTC), and the bucket's first instant.
      granularity text NOT NULL CHECK (granularity IN ('hour', 'day')),
      bucket_start timestamptz NOT NULL,
      -- A count, or a sum (wei); numeric so a budget's wei never overflows.
      value numeric NOT NULL,
      -- Latency metrics: counts per fixed bucket (analytics/histogram.ts), so hours merge into a
      -- day and p50/p95/p99 are read from the sum; NULL for counters.
      histogram bigint[],
      PRIMARY KEY (project_id, family, granularity, bucket_start, metric, dimension)
    )`.execute(db);
  // The operator report and the rebuild's range deletes go by time across projects.
  await sql`CREATE INDEX analytics_rollups_bucket ON analytics_rollups (granularity, bucket_start)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("analytics_rollups").execute();
}
