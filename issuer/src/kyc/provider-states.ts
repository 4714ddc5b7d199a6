/**
 * Operators' pause of a KYC provider, protocol-wide (an outage, a breach at the provider, a
 * contract ending), without a redeploy: the state lives in provider_states (migration 0006) and
 * the operators change it over the internal route (operator-routes.ts).
 *
 * Session start reads the paused set through a short per-process cache (`cacheMs`, a few
 * seconds): a pause reaches every replica within that time, and a start costs no extra query in
 * the common case. The replica that took the change drops its cache at once.
 */
import type { Kysely } from "kysely";
import type { IssuerDatabase, ProviderStatesTable } from "../ledger/types.js";

export interface ProviderStateChange {
  paused: boolean;
  reason: string;
  /** The operator's address. */
  changedBy: string;
}

export interface ProviderStates {
  /** Providers paused now (as of at most `cacheMs` ago). */
  paused(): Promise<ReadonlySet<string>>;
  /** Every stored state (providers never paused or resumed have none). */
  list(): Promise<ProviderStatesTable[]>;
  /**
   * Sets a provider's state; a repeat of the current state changes nothing (its changed_by and
   * changed_at stay those of the real change). Returns the stored state and whether it changed.
   */
  set(provider: string, change: ProviderStateChange): Promise<{ state: ProviderStatesTable; changed: boolean }>;
}

export function createProviderStates(
  db: Kysely<IssuerDatabase>,
  options: { cacheMs: number; now: () => Date; clock?: () => number },
): ProviderStates {
  const clock = options.clock ?? Date.now;
  let cached: { at: number; paused: Promise<ReadonlySet<string>> } | undefined;

  return {
    paused() {
      if (!cached || clock() - cached.at >= options.cacheMs) {
        const read = db
          .selectFrom("provider_states")
          .select("provider")
          .where("paused", "=", true)
          .execute()
          .then((rows): ReadonlySet<string> => new Set(rows.map((r) => r.provider)));
        // A failed read is not cached: the next start asks again.
        read.catch(() => {
          if (cached?.paused === read) cached = undefined;
        });
        cached = { at: clock(), paused: read };
      }
      return cached.paused;
    },
    list: () => db.selectFrom("provider_states").selectAll().orderBy("provider").execute(),
    async set(provider, change) {
      const changedBy = change.changedBy.toLowerCase();
      const result = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom("provider_states")
          .selectAll()
          .where("provider", "=", provider)
          .forUpdate()
          .executeTakeFirst();
        if (current && current.paused === change.paused && current.reason === change.reason) {
          return { state: current, changed: false };
        }
        const row = { paused: change.paused, reason: change.reason, changed_by: changedBy, changed_at: options.now() };
        const state = await trx
          .insertInto("provider_states")
          .values({ provider, ...row })
          .onConflict((oc) => oc.column("provider").doUpdateSet(row))
          .returningAll()
          .executeTakeFirstOrThrow();
        return { state, changed: true };
      });
      cached = undefined;
      return result;
    },
  };
}
