/**
 * The sealed record of when the audit chains became keyed (db/auditKeying.ts): one row, written by
 * the first writer that seals an entry with a key, holding the last id before keyed entries began
 * and an HMAC of it under that key. The verifier reads it as the default cut-over, so a chain
 * rewritten as unkeyed (v1) entries from its start no longer passes; whoever can write the
 * database but holds no key cannot forge or move it. Empty until then (and after this migration,
 * until the next keyed write).
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_keying (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      keyed_after int8 NOT NULL,
      kid text NOT NULL,
      created_at timestamptz NOT NULL,
      mac text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_keying`.execute(db);
}
