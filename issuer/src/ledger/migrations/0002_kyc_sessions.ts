/**
 * KYC sessions: subject sign-in (SIWE nonces, bearer tokens stored as sha256), project provider
 * settings, verification sessions with their steps, provider webhook deliveries seen (for
 * idempotency), applicant deletions waiting for their provider, and the chain watcher's cursor.
 * No personal data: addresses, ids, statuses, reason codes, hashes and timestamps only; the
 * provider's applicant id is a pseudonymous reference, removed after an erasure.
 */
import { type Kysely, sql } from "kysely";

const STATUSES = [
  "created",
  "provider_started",
  "submitted",
  "decided",
  "record_stored",
  "attestation_signed",
  "attested",
  "consented",
  "expired",
  "failed",
];
const inList = (values: string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));
const hexAddress = (column: string) => sql.raw(`${column} ~ '^0x[0-9a-f]{40}$'`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("auth_nonces")
    .addColumn("nonce", "text", (c) => c.primaryKey())
    .addColumn("address", "text", (c) => c.notNull().check(hexAddress("address")))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("auth_nonces_expires_at").on("auth_nonces").column("expires_at").execute();

  await db.schema
    .createTable("auth_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey().check(sql`token_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn("address", "text", (c) => c.notNull().check(hexAddress("address")))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("auth_tokens_expires_at").on("auth_tokens").column("expires_at").execute();

  await db.schema
    .createTable("project_kyc_settings")
    .addColumn("project_id", sql`numeric(20, 0)`, (c) => c.primaryKey())
    .addColumn("providers", sql`text[]`, (c) => c.notNull())
    .addColumn("checks", sql`text[]`, (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull().check(hexAddress("updated_by")))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("kyc_sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("project_id", sql`numeric(20, 0)`, (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull().check(hexAddress("subject")))
    .addColumn("chain_id", "integer", (c) => c.notNull())
    .addColumn("registry", "text", (c) => c.notNull().check(hexAddress("registry")))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in (${inList(STATUSES)})`))
    .addColumn("outcome", "text", (c) => c.check(sql`outcome in ('approved', 'rejected', 'needs_resubmission')`))
    .addColumn("reason_codes", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("checks_passed", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("document_type", "text")
    .addColumn("level", "smallint")
    .addColumn("required_checks", sql`text[]`, (c) => c.notNull())
    .addColumn("provider", "text")
    .addColumn("provider_applicant_id", "text")
    .addColumn("providers_tried", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("launch", "jsonb")
    .addColumn("return_url", "text")
    .addColumn("steps", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("failure_reason", "text")
    .addColumn("decision_checked_at", "timestamptz")
    .addColumn("result_delivered_at", "timestamptz")
    .addColumn("attestation", "jsonb")
    .addColumn("attestation_storage_id", "text")
    .addColumn("attestation_ciphertext_hash", "text")
    .addColumn("attestation_uid", "text")
    .addColumn("erased_at", "timestamptz")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // One open session per subject and project: a second start returns the open one. Closed are
  // the terminal statuses and a final rejection (the person may start again).
  await sql`create unique index kyc_sessions_one_open on kyc_sessions (subject, project_id)
    where status not in ('consented', 'expired', 'failed') and outcome is distinct from 'rejected'`.execute(db);
  await db.schema
    .createIndex("kyc_sessions_applicant")
    .on("kyc_sessions")
    .columns(["provider", "provider_applicant_id"])
    .execute();
  await db.schema.createIndex("kyc_sessions_expiry").on("kyc_sessions").columns(["status", "expires_at"]).execute();
  await db.schema.createIndex("kyc_sessions_subject").on("kyc_sessions").column("subject").execute();

  await db.schema
    .createTable("provider_webhook_events")
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("provider_webhook_events_pk", ["provider", "event_id"])
    .execute();

  await db.schema
    .createTable("provider_deletions")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("applicant_id", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    .addColumn("locked_until", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("provider_deletions_applicant", ["provider", "applicant_id"])
    .execute();

  await db.schema
    .createTable("chain_cursor")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("next_block", sql`numeric(20, 0)`, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "chain_cursor",
    "provider_deletions",
    "provider_webhook_events",
    "kyc_sessions",
    "project_kyc_settings",
    "auth_tokens",
    "auth_nonces",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
