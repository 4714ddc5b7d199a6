/**
 * The cleanup job: expires sessions whose time is up (abandoned ones included: a session nobody
 * finishes reaches its expiry), deletes applicants at their providers (expired, abandoned after a
 * fallback, erased on chain), and purges old finished rows, spent nonces and tokens.
 *
 * Replicas claim work with `FOR UPDATE SKIP LOCKED` (and a lease for the provider calls, which
 * run outside the transaction): each replica takes rows nobody else holds, nothing waits on a
 * lock, and a replica that dies mid-call leaves a lease that simply runs out. pg-boss would do
 * the same with its own schema, maintenance loop and queue; the work items here are rows that
 * already exist (sessions, deletions), so a sweep over them needs no queue at all.
 */
import { type Kysely, sql } from "kysely";
import type { SubjectAuth } from "../auth/subject-auth.js";
import type { IssuerDatabase } from "../ledger/types.js";
import type { Logger } from "../logger.js";
import type { IssuerMetrics } from "../metrics.js";
import { ProviderError, type ProviderName } from "./providers/provider.js";
import type { ProviderRegistry } from "./providers/registry.js";
import { EXPIRABLE, STEP_REASONS } from "./sessions/model.js";
import { stepJson } from "./sessions/store.js";

const BATCH = 100;
const DELETION_LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 3600_000;

export interface CleanupResult {
  expired: number;
  applicantsDeleted: number;
  deletionsFailed: number;
  purged: number;
}

export interface CleanupJob {
  runOnce(): Promise<CleanupResult>;
}

export function createCleanupJob(deps: {
  db: Kysely<IssuerDatabase>;
  registry: ProviderRegistry;
  auth: SubjectAuth;
  retentionDays: number;
  metrics: IssuerMetrics;
  logger: Logger;
  now: () => Date;
}): CleanupJob {
  const { db, registry, metrics, logger } = deps;

  /** Expires due sessions in one statement per batch; their applicants are queued for deletion. */
  async function expireDue(now: Date): Promise<number> {
    const expired = await db.transaction().execute(async (trx) => {
      const rows = await sql<{ id: string; provider: string | null; applicant: string | null }>`
        with due as (
          select id, provider, provider_applicant_id from kyc_sessions
          where status in (${sql.join(EXPIRABLE)}) and expires_at <= ${now}
          order by expires_at
          limit ${BATCH}
          for update skip locked
        )
        update kyc_sessions s
        set status = 'expired',
            steps = s.steps || ${stepJson({ step: "expired", reason: STEP_REASONS.sessionExpired }, now)}::jsonb,
            launch = null,
            provider_applicant_id = null,
            updated_at = ${now}
        from due
        where s.id = due.id
        returning s.id, due.provider, due.provider_applicant_id as applicant`.execute(trx);
      for (const row of rows.rows) {
        if (row.provider && row.applicant) {
          await trx
            .insertInto("provider_deletions")
            .values({
              provider: row.provider,
              applicant_id: row.applicant,
              reason: "session_expired",
              next_attempt_at: now,
              created_at: now,
            })
            .onConflict((oc) => oc.columns(["provider", "applicant_id"]).doNothing())
            .execute();
        }
      }
      return rows.rows;
    });
    for (const row of expired) metrics.sessionSteps.inc({ step: "expired", provider: row.provider ?? "none" });
    return expired.length;
  }

  /** Sends due applicant deletions to their providers, under a lease; failures retry with backoff. */
  async function deleteApplicants(now: Date): Promise<{ deleted: number; failed: number }> {
    const claimed = await sql<{ id: string; provider: string; applicant_id: string; attempts: number }>`
      update provider_deletions
      set locked_until = ${new Date(now.getTime() + DELETION_LEASE_MS)}, attempts = attempts + 1
      where id in (
        select id from provider_deletions
        where next_attempt_at <= ${now} and (locked_until is null or locked_until < ${now})
        order by id
        limit 20
        for update skip locked
      )
      returning id, provider, applicant_id, attempts`.execute(db);
    let deleted = 0;
    let failed = 0;
    for (const job of claimed.rows) {
      const name = job.provider as ProviderName;
      try {
        if (!registry.get(name)) throw new ProviderError(name, "unavailable", `provider ${name} is not configured`);
        const answer = await registry.call(name, "deleteApplicant", (p, signal) =>
          p.deleteApplicant(job.applicant_id, signal),
        );
        if (answer === "not_supported") {
          logger.warn({ provider: name }, "provider cannot delete applicants through its API; delete it there by hand");
        }
        await db.deleteFrom("provider_deletions").where("id", "=", job.id).execute();
        deleted++;
      } catch (error) {
        failed++;
        const reason = error instanceof ProviderError ? error.reason : "internal";
        const backoff = Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.min(job.attempts, 20));
        await db
          .updateTable("provider_deletions")
          .set({ locked_until: null, next_attempt_at: new Date(now.getTime() + backoff), last_error: reason })
          .where("id", "=", job.id)
          .execute();
        logger.warn({ provider: name, reason, attempts: job.attempts }, "applicant deletion failed; will retry");
      }
    }
    return { deleted, failed };
  }

  /** Finished sessions past retention (without a provider reference) and old webhook ids. */
  async function purge(now: Date): Promise<number> {
    const before = new Date(now.getTime() - deps.retentionDays * 86_400_000);
    const sessions = await db
      .deleteFrom("kyc_sessions")
      .where("id", "in", (q) =>
        q
          .selectFrom("kyc_sessions")
          .select("id")
          .where("status", "in", ["expired", "failed"])
          .where("provider_applicant_id", "is", null)
          .where("updated_at", "<", before)
          .limit(500),
      )
      .executeTakeFirst();
    const events = await db.deleteFrom("provider_webhook_events").where("received_at", "<", before).executeTakeFirst();
    return Number(sessions.numDeletedRows) + Number(events.numDeletedRows) + (await deps.auth.sweep(now));
  }

  return {
    async runOnce() {
      const now = deps.now();
      const expired = await expireDue(now);
      const { deleted, failed } = await deleteApplicants(now);
      const purged = await purge(now);
      return { expired, applicantsDeleted: deleted, deletionsFailed: failed, purged };
    },
  };
}
