/**
 * Rebuilds the derived metrics of whole UTC days from their source tables: in one transaction,
 * the range's derived rows are deleted and written again (hours from the sources, days from the
 * hours). Replacing, never adding, is what makes it safe to run at any time, as often as wanted,
 * and after a re-index: the same sources give the same rows, and rows a reorg removed go too.
 *
 * Sources:
 * - chain: Ponder's tables through the views schema (`outbox`, `sponsored_operations`), PostgreSQL only;
 * - webhooks and trail: the API's own `webhook_deliveries`/`webhook_events` and `audit_log`;
 * - issuer: its `kyc_sessions` table, read over its own database URL (the issuer keeps its own
 *   database; reading its sessions needs no change to the issuer and is rebuildable like the rest).
 * A source that is not configured is skipped, and its rows in the range are left as they were.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { ApiDatabase } from "../db/tables.js";
import { addRollups, DAY_MS, type RollupRow } from "./buckets.js";
import { HISTOGRAM_BOUNDS_MS, HISTOGRAM_SIZE } from "./histogram.js";
import { METRICS, type MetricName, metricsOf, type Source } from "./metrics.js";

export interface RebuildSources {
  /** Ponder's views schema in the API's database (chain metrics). */
  views?: string;
  /** The issuer's database (its `kyc_sessions`). */
  issuer?: Kysely<unknown>;
}

export interface RebuildResult {
  from: Date;
  to: Date;
  sources: Source[];
  hourRows: number;
}

const BOUNDS = sql.raw(`ARRAY[${HISTOGRAM_BOUNDS_MS.join(",")}]::float8[]`);
/** An epoch-seconds expression's UTC hour, as a timestamptz (no session time zone involved). */
const hourOfEpoch = (seconds: unknown) => sql`to_timestamp(floor((${seconds})::float8 / 3600) * 3600)`;
const hourOf = (ts: unknown) => hourOfEpoch(sql`extract(epoch from ${ts})`);

/** Counts per project, hour, metric and dimension from one source query, inserted as hour rows. */
async function insertCounts(trx: Kysely<ApiDatabase>, metric: MetricName, select: ReturnType<typeof sql>) {
  const { family } = METRICS[metric];
  const result = await sql`
    INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value, histogram)
    SELECT project_id, ${family}, ${metric}, dimension, 'hour', hour, value, NULL
      FROM (${select}) AS src`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** Latency observations (ms) per project, hour and dimension, folded into fixed-bucket histograms. */
async function insertHistograms(trx: Kysely<ApiDatabase>, metric: MetricName, select: ReturnType<typeof sql>) {
  const { family } = METRICS[metric];
  // One row per (key, bucket), then one array per key, the empty buckets filled with 0.
  const result = await sql`
    INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value, histogram)
    SELECT project_id, ${family}, ${metric}, dimension, 'hour', hour, sum(n), array_agg(n ORDER BY bucket)
      FROM (
        SELECT k.project_id, k.dimension, k.hour, g.bucket, coalesce(c.n, 0)::bigint AS n
          FROM (SELECT DISTINCT project_id, dimension, hour FROM (${select}) s) k
         CROSS JOIN generate_series(0, ${HISTOGRAM_SIZE - 1}) AS g(bucket)
          LEFT JOIN (SELECT project_id, dimension, hour, width_bucket(ms, ${BOUNDS}) AS bucket, count(*) AS n
                       FROM (${select}) s GROUP BY 1, 2, 3, 4) c
            ON c.project_id = k.project_id AND c.dimension = k.dimension AND c.hour = k.hour AND c.bucket = g.bucket
      ) filled
     GROUP BY project_id, dimension, hour`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** Each source's queries: `select` gives (project_id, dimension, hour, value) or (…, ms). */
function chainQueries(views: string, fromS: number, toS: number) {
  const outbox = sql.table(`${views}.outbox`);
  const ops = sql.table(`${views}.sponsored_operations`);
  const outboxCount = (type: string) => sql`
    SELECT p.project_id::bigint AS project_id, '' AS dimension, ${hourOfEpoch(sql`o.block_timestamp`)} AS hour,
           count(*) AS value
      FROM ${outbox} o CROSS JOIN unnest(o.project_ids) AS p(project_id)
     WHERE o.type = ${type} AND o.block_timestamp >= ${fromS} AND o.block_timestamp < ${toS}
     GROUP BY 1, 2, 3`;
  const sponsored = (value: ReturnType<typeof sql>) => sql`
    SELECT project_id::bigint AS project_id, '' AS dimension, ${hourOfEpoch(sql`block_timestamp`)} AS hour,
           ${value} AS value
      FROM ${ops} WHERE block_timestamp >= ${fromS} AND block_timestamp < ${toS}
     GROUP BY 1, 2, 3`;
  return {
    counts: {
      attestations: outboxCount("attestation.created"),
      "consents.granted": outboxCount("consent.granted"),
      "consents.revoked": outboxCount("consent.revoked"),
      "operations.sponsored": sponsored(sql`count(*)`),
      "gas.sponsored": sponsored(sql`sum(actual_cost)`),
    } as Partial<Record<MetricName, ReturnType<typeof sql>>>,
    histograms: {} as Partial<Record<MetricName, ReturnType<typeof sql>>>,
  };
}

function apiQueries(from: Date, to: Date) {
  return {
    counts: {
      "webhook.deliveries": sql`
        SELECT project_id, status AS dimension, ${hourOf(sql`created_at`)} AS hour, count(*) AS value
          FROM webhook_deliveries WHERE created_at >= ${from} AND created_at < ${to}
         GROUP BY 1, 2, 3`,
      "records.opened": sql`
        SELECT project_id, lower(actor) AS dimension, ${hourOf(sql`at`)} AS hour, count(*) AS value
          FROM audit_log
         WHERE action = 'record.open' AND result = 'ok' AND project_id IS NOT NULL
           AND at >= ${from} AND at < ${to}
         GROUP BY 1, 2, 3`,
    } as Partial<Record<MetricName, ReturnType<typeof sql>>>,
    histograms: {
      // Block time is the chain's clock; a local chain runs ahead of the wall clock, hence the floor at 0.
      "webhook.block_to_delivery": sql`
        SELECT d.project_id, '' AS dimension, ${hourOf(sql`d.delivered_at`)} AS hour,
               greatest(0, extract(epoch from d.delivered_at) * 1000 - e.block_timestamp * 1000)::float8 AS ms
          FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.status = 'delivered' AND e.block_timestamp IS NOT NULL
           AND d.delivered_at >= ${from} AND d.delivered_at < ${to}`,
    } as Partial<Record<MetricName, ReturnType<typeof sql>>>,
  };
}

/** The issuer's figures, aggregated in its database and carried over as rows. */
async function issuerRows(issuer: Kysely<unknown>, from: Date, to: Date): Promise<RollupRow[]> {
  const hour = hourOf(sql`created_at`);
  const stepAt = (step: string, pick: "min" | "max") => sql`(SELECT ${sql.raw(pick)}((s->>'at')::timestamptz)
      FROM jsonb_array_elements(steps) s WHERE s->>'step' = ${step})`;
  const { rows: counts } = await sql<{
    project_id: string;
    metric: MetricName;
    dimension: string;
    hour: Date;
    value: string;
  }>`
    SELECT project_id::text, metric, dimension, hour, count(*)::text AS value FROM (
      SELECT project_id, ${hour} AS hour, v.metric, v.dimension
        FROM kyc_sessions CROSS JOIN LATERAL (VALUES
          ('verifications.started', coalesce(provider, 'none')),
          (CASE outcome WHEN 'approved' THEN 'verifications.approved'
                        WHEN 'rejected' THEN 'verifications.rejected' END, coalesce(provider, 'none')),
          (CASE WHEN outcome IN ('approved', 'rejected') THEN 'verifications.decided' END,
           coalesce(provider, 'none') || ' ' || coalesce(level::text, '*')),
          ('verify_flow.sessions', CASE WHEN status IN ('expired', 'failed')
             -- Where it dropped off: the last step before it expired or failed.
             THEN status || ' after ' || coalesce((SELECT e.s->>'step' FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(s, n)
                                                  WHERE e.s->>'step' NOT IN ('expired', 'failed') ORDER BY e.n DESC LIMIT 1), 'created')
             ELSE status END)
        ) AS v(metric, dimension)
       WHERE created_at >= ${from} AND created_at < ${to} AND v.metric IS NOT NULL
    ) s GROUP BY 1, 2, 3, 4`.execute(issuer);
  const { rows: decisions } = await sql<{ project_id: string; dimension: string; hour: Date; b: number; n: string }>`
    SELECT project_id::text, dimension, hour, width_bucket(ms, ${BOUNDS}) AS b, count(*)::text AS n FROM (
      SELECT project_id, coalesce(provider, 'none') AS dimension, ${hour} AS hour,
             extract(epoch from ${stepAt("decided", "min")} - coalesce(${stepAt("submitted", "max")},
               ${stepAt("provider_started", "max")})) * 1000 AS ms
        FROM kyc_sessions WHERE created_at >= ${from} AND created_at < ${to}
    ) s WHERE ms IS NOT NULL GROUP BY 1, 2, 3, 4`.execute(issuer);
  // A record is counted once, with its session: a renewed signature re-measures the same record.
  const { rows: storage } = await sql<{ project_id: string; hour: Date; value: string }>`
    SELECT project_id::text, ${hour} AS hour, sum(attestation_record_bytes)::text AS value
      FROM kyc_sessions
     WHERE created_at >= ${from} AND created_at < ${to} AND attestation_record_bytes IS NOT NULL
     GROUP BY 1, 2`.execute(issuer);
  const rows: RollupRow[] = [
    ...counts,
    ...storage.map((r) => ({ ...r, metric: "storage.bytes" as const, dimension: "" })),
  ].map((r) => ({
    projectId: r.project_id,
    metric: r.metric,
    dimension: r.dimension,
    granularity: "hour",
    bucketStart: new Date(r.hour).getTime(),
    value: r.value,
    histogram: null,
  }));
  const histograms = new Map<string, RollupRow>();
  for (const d of decisions) {
    const at = new Date(d.hour).getTime();
    const key = `${d.project_id}\u0000${d.dimension}\u0000${at}`;
    let row = histograms.get(key);
    if (!row) {
      row = {
        projectId: d.project_id,
        metric: "verifications.decision_time",
        dimension: d.dimension,
        granularity: "hour",
        bucketStart: at,
        value: "0",
        histogram: new Array(HISTOGRAM_SIZE).fill(0),
      };
      histograms.set(key, row);
    }
    (row.histogram as number[])[Number(d.b)] = Number(d.n);
    row.value = String(Number(row.value) + Number(d.n));
  }
  return [...rows, ...histograms.values()];
}

/** Whole UTC days covering [from, to). */
export function dayRange(from: Date, to: Date): { from: Date; to: Date } {
  const start = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const end = Math.ceil(to.getTime() / DAY_MS) * DAY_MS;
  return { from: new Date(start), to: new Date(Math.max(end, start + DAY_MS)) };
}

export async function rebuildAnalytics(
  db: Kysely<ApiDatabase>,
  sources: RebuildSources,
  range: { from: Date; to: Date },
): Promise<RebuildResult> {
  const { from, to } = dayRange(range.from, range.to);
  const used: Source[] = ["webhooks", "trail"];
  if (sources.views) used.unshift("chain");
  if (sources.issuer) used.push("issuer");
  // Read the issuer first: its database is another one, outside this transaction.
  const issuer = sources.issuer ? await issuerRows(sources.issuer, from, to) : [];
  const metrics = metricsOf((m) => (used as string[]).includes(m.source));
  let hourRows = 0;
  await db.transaction().execute(async (trx) => {
    // Rebuilds take turns (two workers on a timer): the second waits, then replaces the same rows.
    await sql`SELECT pg_advisory_xact_lock(hashtext('onekey.analytics.rebuild'))`.execute(trx);
    await trx
      .deleteFrom("analytics_rollups")
      .where("metric", "in", metrics)
      .where("bucket_start", ">=", from)
      .where("bucket_start", "<", to)
      .execute();
    const queries = [apiQueries(from, to)];
    if (sources.views) queries.unshift(chainQueries(sources.views, from.getTime() / 1000, to.getTime() / 1000));
    for (const q of queries) {
      for (const [metric, select] of Object.entries(q.counts))
        hourRows += await insertCounts(trx, metric as MetricName, select);
      for (const [metric, select] of Object.entries(q.histograms))
        hourRows += await insertHistograms(trx, metric as MetricName, select);
    }
    await addRollups(trx, issuer);
    hourRows += issuer.length;
    // Days from the hours just written: counters add up, histograms add up bucket by bucket.
    await sql`
      INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value, histogram)
      SELECT project_id, family, metric, dimension, 'day', to_timestamp(floor(extract(epoch from bucket_start) / 86400) * 86400),
             sum(value), NULL
        FROM analytics_rollups
       WHERE granularity = 'hour' AND histogram IS NULL AND metric IN (${sql.join(metrics)})
         AND bucket_start >= ${from} AND bucket_start < ${to}
       GROUP BY 1, 2, 3, 4, 6`.execute(trx);
    await sql`
      INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value, histogram)
      SELECT project_id, family, metric, dimension, 'day', day, sum(n), array_agg(n ORDER BY b)
        FROM (
          SELECT project_id, family, metric, dimension,
                 to_timestamp(floor(extract(epoch from bucket_start) / 86400) * 86400) AS day, b, sum(n) AS n
            FROM analytics_rollups CROSS JOIN LATERAL unnest(histogram) WITH ORDINALITY AS h(n, b)
           WHERE granularity = 'hour' AND histogram IS NOT NULL AND metric IN (${sql.join(metrics)})
             AND bucket_start >= ${from} AND bucket_start < ${to}
           GROUP BY 1, 2, 3, 4, 5, 6
        ) per_bucket
       GROUP BY 1, 2, 3, 4, 6`.execute(trx);
  });
  return { from, to, sources: used, hourRows };
}

/** Opens the issuer's database for reading its sessions (read-only by intent: only SELECTs run). */
export function openIssuerSource(url: string, schema: string): Kysely<unknown> {
  // The schema is a checked identifier (config.ts); set at connect time, before any query.
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    application_name: "onekey_analytics",
    options: `-c search_path=${schema}`,
  });
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}

/** The last `days` days, today included. */
export function recentDays(days: number, now = new Date()): { from: Date; to: Date } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { from: new Date(today - (days - 1) * DAY_MS), to: new Date(today + DAY_MS) };
}
