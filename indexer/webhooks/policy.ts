/** Delivery policy defaults shared by the API (settings) and the worker. */

/** A project's budget is "low" below this many wei unless it sets its own threshold (0.01 ETH). */
export const DEFAULT_BUDGET_LOW_THRESHOLD = 10n ** 16n;

/** Requests per second an endpoint accepts unless its project sets another limit. */
export const DEFAULT_ENDPOINT_RATE_LIMIT = 100;
export const MAX_ENDPOINT_RATE_LIMIT = 10_000;

/** "finalized" | "N" -> null (finality) | N. */
export function parseConfirmations(value: string): number | null {
  return value === "finalized" ? null : Number(value);
}

/** Channel the API and workers NOTIFY when deliveries become due (replays, releases). */
export function wakeChannel(apiSchema: string): string {
  return `${apiSchema}_webhooks_due`;
}
