/**
 * Keyed audit chains (format v2, db/auditHash.ts): each entry records the id of the key that
 * sealed it (db/auditKeys.ts), so keys can be rotated and the verifier picks the right one. Null
 * means format v1 (unkeyed): every entry written before this migration, and entries written
 * without a configured key. Existing entries keep their v1 hashes: released formats never change.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("audit_log").addColumn("key_id", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("audit_log").dropColumn("key_id").execute();
}
