/**
 * Reads the rollups back: a project's series for one family (the tenant route), and totals per
 * project for operators (`npm run analytics:report`). Costs in fiat and provider fees are priced
 * when read, from the configured price source and price list, so a price change never needs a
 * rebuild; verify-flow completion and drop-off come from the sessions' furthest steps.
 */
import type { Kysely } from "kysely";
import type { ApiDatabase } from "../db/tables.js";
import type { Granularity } from "./buckets.js";
import type { AnalyticsConfig } from "./config.js";
import { addHistograms, emptyHistogram, quantile } from "./histogram.js";
import { type Family, METRICS, type MetricName } from "./metrics.js";

export interface SeriesPoint {
  start: string;
  value: string;
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
}

export interface Series {
  metric: string;
  dimension: string;
  unit: string;
  /** The range's total (counts and sums), or the observations' count (latency). */
  total: string;
  /** Latency only: quantiles over the whole range. */
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
  /** Buckets with activity, oldest first; a missing bucket had none. */
  points: SeriesPoint[];
}

export interface AnalyticsQuery {
  projectId: bigint;
  family: Family;
  granularity: Granularity;
  from: Date;
  to: Date;
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);

async function rows(db: Kysely<ApiDatabase>, q: AnalyticsQuery, family: Family, metrics?: MetricName[]) {
  let query = db
    .selectFrom("analytics_rollups")
    .select(["metric", "dimension", "bucket_start", "value", "histogram"])
    .where("project_id", "=", q.projectId.toString())
    .where("family", "=", family)
    .where("granularity", "=", q.granularity)
    .where("bucket_start", ">=", q.from)
    .where("bucket_start", "<", q.to);
  if (metrics) query = query.where("metric", "in", metrics);
  return query.orderBy("metric").orderBy("dimension").orderBy("bucket_start").execute();
}

function toSeries(list: Awaited<ReturnType<typeof rows>>): Series[] {
  const out = new Map<string, Series & { histogram?: number[]; sum: bigint }>();
  for (const r of list) {
    const key = `${r.metric}\u0000${r.dimension}`;
    const spec = METRICS[r.metric as MetricName];
    let s = out.get(key);
    if (!s) {
      s = { metric: r.metric, dimension: r.dimension, unit: spec?.unit ?? "count", total: "0", points: [], sum: 0n };
      out.set(key, s);
    }
    const value = String(r.value).split(".")[0] as string;
    s.sum += BigInt(value);
    const point: SeriesPoint = { start: new Date(r.bucket_start).toISOString(), value };
    if (r.histogram) {
      point.p50 = round(quantile(r.histogram, 0.5));
      point.p95 = round(quantile(r.histogram, 0.95));
      point.p99 = round(quantile(r.histogram, 0.99));
      s.histogram = addHistograms(s.histogram ?? emptyHistogram(), r.histogram);
    }
    s.points.push(point);
  }
  return [...out.values()].map(({ histogram, sum, ...s }) => ({
    ...s,
    total: sum.toString(),
    ...(histogram
      ? {
          p50: round(quantile(histogram, 0.5)),
          p95: round(quantile(histogram, 0.95)),
          p99: round(quantile(histogram, 0.99)),
        }
      : {}),
  }));
}

export const WEI_PER_ETH = 10n ** 18n;
/** wei times a price, to 6 decimals, without going through a float for the wei. */
function fiat(wei: bigint, price: number): string {
  const micro = (wei * BigInt(Math.round(price * 1e6))) / WEI_PER_ETH;
  return (Number(micro) / 1e6).toFixed(6);
}

export interface FamilyReport {
  series: Series[];
  /** cost: what the fiat figures were priced at. */
  pricing?: { currency: string; ethPrice: number | null; ethPriceSource: string; providerFees: Record<string, number> };
  /** performance: the verify flow over the range. */
  verifyFlow?: {
    sessions: number;
    completed: number;
    completionRate: number | null;
    stoppedAt: Record<string, number>;
  };
}

export async function readFamily(
  db: Kysely<ApiDatabase>,
  config: AnalyticsConfig,
  q: AnalyticsQuery,
): Promise<FamilyReport> {
  const series = toSeries(await rows(db, q, q.family));
  if (q.family === "cost") {
    const eth = config.prices ? await config.prices.ethPrice(q.to) : undefined;
    const extra: Series[] = [];
    for (const gas of series.filter((s) => s.metric === "gas.sponsored")) {
      if (!eth) continue;
      extra.push({
        metric: "gas.sponsored.fiat",
        dimension: config.currency,
        unit: config.currency,
        total: fiat(BigInt(gas.total), eth.price),
        points: gas.points.map((p) => ({ start: p.start, value: fiat(BigInt(p.value), eth.price) })),
      });
    }
    // Provider fees: each provider's price per verification started, times the verifications.
    for (const started of toSeries(await rows(db, q, "usage", ["verifications.started"]))) {
      const fee = config.providerFees[started.dimension];
      if (fee === undefined) continue;
      const priced = (n: string) => (Number(n) * fee).toFixed(2);
      extra.push({
        metric: "provider.fees",
        dimension: started.dimension,
        unit: config.currency,
        total: priced(started.total),
        points: started.points.map((p) => ({ start: p.start, value: priced(p.value) })),
      });
    }
    return {
      series: [...series, ...extra],
      pricing: {
        currency: config.currency,
        ethPrice: eth?.price ?? null,
        ethPriceSource: eth?.source ?? "not configured: gas in wei only",
        providerFees: config.providerFees,
      },
    };
  }
  if (q.family === "performance") {
    const stoppedAt: Record<string, number> = {};
    let sessions = 0;
    for (const s of series.filter((x) => x.metric === "verify_flow.sessions")) {
      stoppedAt[s.dimension] = Number(s.total);
      sessions += Number(s.total);
    }
    const completed = stoppedAt.consented ?? 0;
    return {
      series,
      verifyFlow: { sessions, completed, completionRate: sessions ? completed / sessions : null, stoppedAt },
    };
  }
  return { series };
}

/** Operators: every project's totals per metric over whole days, largest first. */
export async function readAcrossProjects(db: Kysely<ApiDatabase>, range: { from: Date; to: Date }) {
  const list = await db
    .selectFrom("analytics_rollups")
    .select(["project_id", "family", "metric", (eb) => eb.fn.sum<string>("value").as("total")])
    .where("granularity", "=", "day")
    .where("bucket_start", ">=", range.from)
    .where("bucket_start", "<", range.to)
    .groupBy(["project_id", "family", "metric"])
    .orderBy("project_id")
    .orderBy("metric")
    .execute();
  const projects = new Map<string, Record<string, string>>();
  for (const r of list) {
    const id = String(r.project_id);
    const totals = projects.get(id) ?? {};
    totals[r.metric] = String(r.total).split(".")[0] as string;
    projects.set(id, totals);
  }
  return [...projects.entries()].map(([projectId, totals]) => ({ projectId, totals }));
}
