/** The attestation ledger: which attestations our issuer signed, for which project. */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("signed_attestations")
    .addColumn("digest", "text", (c) => c.primaryKey().check(sql`digest ~ '^0x[0-9a-f]{64}$'`))
    // uint64 does not fit a bigint: numeric(20) holds every value exactly.
    .addColumn("project_id", sql`numeric(20, 0)`, (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull().check(sql`subject ~ '^0x[0-9a-f]{40}$'`))
    .addColumn("issuer", "text", (c) => c.notNull().check(sql`issuer ~ '^0x[0-9a-f]{40}$'`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // erase / setDecryptDelegate ask "did this subject verify through this project?".
  await db.schema
    .createIndex("signed_attestations_subject_project")
    .on("signed_attestations")
    .columns(["subject", "project_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("signed_attestations").execute();
}
