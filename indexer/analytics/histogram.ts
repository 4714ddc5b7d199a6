/**
 * Fixed latency buckets, in milliseconds. Fixed (not per-series) so that hours add up into days,
 * replicas add up into one row, and p50/p95/p99 come from the sum (as Prometheus histograms do).
 * Bucket i counts values v with BOUNDS[i-1] <= v < BOUNDS[i] (SQL's width_bucket); the last
 * bucket is everything from the last bound up. The bounds span 1 ms (API) to an hour (a
 * provider's decision), about 2x apart, so a quantile is within a bucket's width.
 */
export const HISTOGRAM_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
  3_600_000,
] as const;
export const HISTOGRAM_SIZE = HISTOGRAM_BOUNDS_MS.length + 1;

/** SQL's width_bucket(v, bounds): how many bounds are <= v. */
export function bucketOf(ms: number): number {
  let i = 0;
  while (i < HISTOGRAM_BOUNDS_MS.length && ms >= (HISTOGRAM_BOUNDS_MS[i] as number)) i++;
  return i;
}

export function emptyHistogram(): number[] {
  return new Array(HISTOGRAM_SIZE).fill(0);
}

export function addHistograms(into: number[], from: readonly (number | string)[]): number[] {
  for (let i = 0; i < HISTOGRAM_SIZE; i++) into[i] = (into[i] ?? 0) + Number(from[i] ?? 0);
  return into;
}

/**
 * The q-quantile (0..1), interpolated linearly inside its bucket (Prometheus' histogram_quantile).
 * Values in the open last bucket answer its lower bound: "at least an hour". Null when empty.
 */
export function quantile(histogram: readonly (number | string)[], q: number): number | null {
  const counts = histogram.map(Number);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] as number;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : (HISTOGRAM_BOUNDS_MS[i - 1] as number);
      if (i >= HISTOGRAM_BOUNDS_MS.length) return lower;
      const upper = HISTOGRAM_BOUNDS_MS[i] as number;
      return lower + ((upper - lower) * (rank - seen)) / n;
    }
    seen += n;
  }
  return HISTOGRAM_BOUNDS_MS.at(-1) as number;
}
