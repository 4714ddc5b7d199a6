/**
 * SQL of the session workflow. Every transition is one conditional UPDATE (`status` must be one
 * the step may follow), so concurrent requests, webhooks and replicas never apply a step twice
 * or out of order; the row it returns says whether this caller made the move.
 */
import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type { IssuerDatabase, KycSessionsTable, SessionStep } from "../../ledger/types.js";
import type { SessionStatus } from "./model.js";

export type SessionRow = Selectable<KycSessionsTable>;
type Db = Kysely<IssuerDatabase> | Transaction<IssuerDatabase>;

export interface TransitionSpec {
  /** Statuses the step may follow. */
  from: readonly SessionStatus[];
  to: SessionStatus;
  step: Omit<SessionStep, "at">;
  set?: Updateable<KycSessionsTable>;
  /** Also require this outcome (e.g. only a needs_resubmission decision may be decided again). */
  fromDecidedOutcome?: string;
}

export function stepJson(step: Omit<SessionStep, "at">, at: Date): string {
  const entry: SessionStep = { step: step.step, at: at.toISOString() };
  if (step.provider) entry.provider = step.provider;
  if (step.reason) entry.reason = step.reason;
  return JSON.stringify([entry]);
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
  return db.selectFrom("kyc_sessions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findOpenSession(db: Db, subject: string, projectId: bigint): Promise<SessionRow | undefined> {
  return db
    .selectFrom("kyc_sessions")
    .selectAll()
    .where("subject", "=", subject.toLowerCase())
    .where("project_id", "=", projectId.toString())
    .where("status", "not in", ["consented", "expired", "failed"])
    .where(sql<boolean>`outcome is distinct from 'rejected'`)
    .executeTakeFirst();
}

export async function findByApplicant(db: Db, provider: string, applicantId: string) {
  return db
    .selectFrom("kyc_sessions")
    .selectAll()
    .where("provider", "=", provider)
    .where("provider_applicant_id", "=", applicantId)
    .executeTakeFirst();
}

/** Applies one step when the session is in a status it may follow; undefined otherwise. */
export async function transition(db: Db, id: string, spec: TransitionSpec, now: Date): Promise<SessionRow | undefined> {
  let query = db
    .updateTable("kyc_sessions")
    .set({
      ...spec.set,
      status: spec.to,
      steps: sql`steps || ${stepJson(spec.step, now)}::jsonb`,
      updated_at: now,
    })
    .where("id", "=", id);
  const plain = spec.from.filter((s) => !(spec.fromDecidedOutcome && s === "decided"));
  if (spec.fromDecidedOutcome && spec.from.includes("decided")) {
    const outcome = spec.fromDecidedOutcome;
    query = query.where((eb) =>
      eb.or([
        ...(plain.length > 0 ? [eb("status", "in", plain)] : []),
        eb.and([eb("status", "=", "decided"), eb("outcome", "=", outcome)]),
      ]),
    );
  } else {
    query = query.where("status", "in", plain);
  }
  return query.returningAll().executeTakeFirst();
}

/** Queues the deletion of an applicant at its provider (the cleanup job sends it). */
export async function queueApplicantDeletion(
  db: Db,
  provider: string,
  applicantId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto("provider_deletions")
    .values({ provider, applicant_id: applicantId, reason, next_attempt_at: now, created_at: now })
    .onConflict((oc) => oc.columns(["provider", "applicant_id"]).doNothing())
    .execute();
}
