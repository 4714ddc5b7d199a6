/**
 * The organization a session was started for (the project's organization on chain, read when the
 * session starts), so the monthly verification quota is one indexed count per organization over
 * all its projects. Sessions started before this migration have none and are not counted: the
 * quota starts counting at deployment (their organization would take a chain read per project).
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("kyc_sessions").addColumn("org_id", sql`numeric(20, 0)`).execute();
  await db.schema
    .createIndex("kyc_sessions_org_started")
    .on("kyc_sessions")
    .columns(["org_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("kyc_sessions_org_started").execute();
  await db.schema.alterTable("kyc_sessions").dropColumn("org_id").execute();
}
