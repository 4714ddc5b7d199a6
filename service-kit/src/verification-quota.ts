/**
 * What the monthly verification quota counts (an organization's plan, ./plans.ts), in one place:
 * the issuer enforces it (issuer/src/kyc/sessions/quota.ts) and the indexer's operators' view
 * shows it, both from the issuer's `kyc_sessions`. A session counts in the month it was created,
 * for its organization, unless it failed because no provider answered (nobody was verified and it
 * was not the tenant's doing).
 */
import { type Kysely, sql } from "kysely";
import type { MonthWindow } from "./months.js";

/** kyc_sessions.failure_reason of a session no provider answered (the issuer's STEP_REASONS.noProviderAvailable). */
export const NOT_COUNTED_FAILURE = "no_provider_available" as const;

// Only the columns read here; the issuer's full table type is a superset.
interface CountedSessions {
  kyc_sessions: { org_id: string; created_at: Date; failure_reason: string | null };
}

/**
 * Sessions counted against the quota in `window`, per organization id (absent: none). `db` is the
 * issuer's database, or a transaction on it (the issuer counts under the organization's lock).
 */
export async function verificationsCounted(
  // biome-ignore lint/suspicious/noExplicitAny: any issuer database type (or an untyped reader) that has kyc_sessions.
  db: Kysely<any>,
  orgIds: readonly string[],
  window: Pick<MonthWindow, "start" | "end">,
): Promise<Map<string, number>> {
  const counted = new Map<string, number>();
  if (orgIds.length === 0) return counted;
  const rows = await (db as Kysely<CountedSessions>)
    .selectFrom("kyc_sessions")
    .select(["org_id", (eb) => eb.fn.countAll<string>().as("started")])
    .where("org_id", "in", [...orgIds])
    .where("created_at", ">=", window.start)
    .where("created_at", "<", window.end)
    .where(sql<boolean>`failure_reason is distinct from ${NOT_COUNTED_FAILURE}`)
    .groupBy("org_id")
    .execute();
  for (const r of rows) counted.set(String(r.org_id), Number(r.started));
  return counted;
}
