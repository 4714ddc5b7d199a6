/** The retry schedule: waits like "5s,5m,30m,2h", and full-window jitter around each. */

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "5s,5m,30m" -> [5000, 300000, 1800000]; throws on anything else. */
export function parseSchedule(text: string): number[] {
  const waits = text.split(",").map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h)\s*$/.exec(part);
    if (!match) throw new Error(`ONEKEY_WEBHOOK_RETRY_SCHEDULE: "${part}" is not a duration like 5s, 30m or 2h`);
    return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
  });
  if (waits.length === 0 || waits.length > 50) throw new Error("ONEKEY_WEBHOOK_RETRY_SCHEDULE: 1 to 50 waits");
  return waits;
}

/**
 * The wait before retry number `retry` (1-based), spread by +-`jitter` so endpoints that failed
 * together do not come back in lockstep; undefined once the schedule is exhausted.
 */
export function retryDelay(
  schedule: readonly number[],
  retry: number,
  jitter: number,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[retry - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}
