/**
 * The Analytics screen's arithmetic, apart from React: the range asked of the API, the buckets a
 * chart shows (the API lists only buckets with activity), series summed over their dimensions,
 * and wei and money in words. Wei stays a bigint until it is shown (a month of gas exceeds 2^53).
 */
import { formatEther } from "viem";
import type { AnalyticsReport, AnalyticsSeries, Granularity } from "../api.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Periods offered, in days. */
export const PERIODS = [7, 30, 90] as const;
/** The API answers hourly buckets over at most 31 days. */
export const MAX_HOURLY_DAYS = 31;

export function granularityAllowed(days: number, granularity: Granularity): boolean {
  return granularity === "day" || days <= MAX_HOURLY_DAYS;
}

/** The first bucket of the last `days` days (today's or this hour's bucket included), as the API's `from`. */
export function rangeStart(days: number, granularity: Granularity, now: Date): string {
  const size = granularity === "day" ? DAY : HOUR;
  const current = Math.floor(now.getTime() / size) * size;
  const buckets = granularity === "day" ? days : days * 24;
  return new Date(current - (buckets - 1) * size).toISOString();
}

/** Every bucket start in [from, to), so a quiet hour or day shows as zero, not as a gap. */
export function bucketStarts(from: string, to: string, granularity: Granularity): string[] {
  const size = granularity === "day" ? DAY : HOUR;
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += size) out.push(new Date(t).toISOString());
  return out;
}

/** A bucket's label on an axis or in a table: "12-05" for a day, "12-05 14:00" for an hour (UTC). */
export function bucketLabel(start: string, granularity: Granularity): string {
  return granularity === "day" ? start.slice(5, 10) : `${start.slice(5, 10)} ${start.slice(11, 16)}`;
}

export interface MetricSeries {
  metric: string;
  unit: string;
  /** Decimal string: a count, wei, or an amount of money. */
  total: string;
  byBucket: Map<string, string>;
  dimensions: AnalyticsSeries[];
  /** Latency metrics: p50/p95/p99 per dimension, not summable. */
  latency: boolean;
}

/** Adds decimal strings exactly: integers as bigint (counts, wei), money in cents. */
function add(a: string, b: string): string {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return (BigInt(a) + BigInt(b)).toString();
  return (Math.round(Number(a) * 100 + Number(b) * 100) / 100).toFixed(2);
}

/** The report's series, one per metric (its dimensions summed), in the order the API gave them. */
export function byMetric(report: AnalyticsReport): MetricSeries[] {
  const metrics = new Map<string, MetricSeries>();
  for (const s of report.series) {
    let m = metrics.get(s.metric);
    if (!m) {
      m = { metric: s.metric, unit: s.unit, total: "0", byBucket: new Map(), dimensions: [], latency: s.unit === "ms" };
      metrics.set(s.metric, m);
    }
    m.dimensions.push(s);
    m.total = add(m.total, s.total);
    for (const p of s.points) m.byBucket.set(p.start, add(m.byBucket.get(p.start) ?? "0", p.value));
  }
  return [...metrics.values()];
}

/** Chart rows for a summed metric: one per bucket, zero where nothing happened; wei as ETH. */
export function chartRows(series: MetricSeries, buckets: string[], granularity: Granularity) {
  return buckets.map((start) => {
    const raw = series.byBucket.get(start) ?? "0";
    const value = series.unit === "wei" ? Number(formatEther(BigInt(raw))) : Number(raw);
    return { start, label: bucketLabel(start, granularity), value, raw };
  });
}

/** Wei in ETH, exact (viem's formatEther), with the unit: "0.0021 ETH". */
export function formatWei(wei: string | bigint): string {
  return `${formatEther(BigInt(wei))} ETH`;
}

/** An amount of money in its currency ("$12.34"); an unknown code falls back to "12.34 XYZ". */
export function formatMoney(amount: string, currency: string, locale?: string): string {
  const n = Number(amount);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

const BYTE_UNITS = ["bytes", "kB", "MB", "GB", "TB"] as const;

/**
 * Bytes in decimal (SI) units, 1 kB = 1000 bytes, as storage is billed and as the gateways report
 * it: "999 bytes", "12.3 kB", "4.56 MB".
 */
export function formatBytes(bytes: string | number, locale?: string): string {
  let n = Number(bytes);
  let i = 0;
  while (Math.abs(n) >= 1000 && i < BYTE_UNITS.length - 1) {
    n /= 1000;
    i += 1;
  }
  const digits = i === 0 ? 0 : Math.abs(n) < 10 ? 2 : Math.abs(n) < 100 ? 1 : 0;
  return `${n.toLocaleString(locale, { maximumFractionDigits: digits })} ${BYTE_UNITS[i]}`;
}

/** One value of a metric in words, by its unit: wei as ETH, bytes in kB/MB/GB, a currency code as money. */
export function formatValue(unit: string, value: string, locale?: string): string {
  if (unit === "wei") return formatWei(value);
  if (unit === "count") return Number(value).toLocaleString(locale);
  if (unit === "bytes") return formatBytes(value, locale);
  if (/^[A-Z]{3}$/.test(unit)) return formatMoney(value, unit, locale);
  // A unit this screen does not know yet: the number and the unit's name, never as money.
  return `${Number(value).toLocaleString(locale)} ${unit}`;
}

/** A series' total in words, by its unit. */
export function formatTotal(series: { unit: string; total: string }, locale?: string): string {
  if (series.unit === "ms") return `${Number(series.total).toLocaleString(locale)} observations`;
  return formatValue(series.unit, series.total, locale);
}

/** The verify flow's drop-off: where sessions are or stopped, most first, with their share. */
export function dropOff(flow: NonNullable<AnalyticsReport["verifyFlow"]>) {
  return Object.entries(flow.stoppedAt)
    .map(([step, sessions]) => ({ step, sessions, share: flow.sessions ? sessions / flow.sessions : 0 }))
    .sort((a, b) => b.sessions - a.sessions || a.step.localeCompare(b.step));
}

/** A chart axis label of at most `max` characters: a long route keeps its end ("…/analytics/:family 200"). */
export function shortLabel(label: string, max = 30): string {
  return label.length <= max ? label : `…${label.slice(-(max - 1))}`;
}

export function percent(share: number | null): string {
  return share === null ? "–" : `${(share * 100).toFixed(1)}%`;
}

/** What each metric is called on the screen (the catalogue is indexer/analytics/metrics.ts). */
export const METRIC_LABELS: Record<string, string> = {
  "verifications.started": "Verifications started",
  "verifications.approved": "Verifications approved",
  "verifications.rejected": "Verifications rejected",
  "verifications.decided": "Verifications decided (billed)",
  attestations: "Attestations",
  "consents.granted": "Consents granted",
  "consents.revoked": "Consents revoked",
  "operations.sponsored": "Sponsored operations",
  "api.calls": "API calls",
  "webhook.deliveries": "Webhook deliveries",
  "records.opened": "Records opened",
  "gas.sponsored": "Gas sponsored",
  "gas.sponsored.fiat": "Gas sponsored, priced",
  "provider.fees": "KYC provider fees",
  "api.latency": "API latency",
  "webhook.block_to_delivery": "Block to webhook delivery",
  "verifications.decision_time": "Provider decision time",
  "verify_flow.sessions": "Verify-flow sessions",
  "storage.bytes": "Record storage uploaded",
};

export const metricLabel = (metric: string) => METRIC_LABELS[metric] ?? metric;
