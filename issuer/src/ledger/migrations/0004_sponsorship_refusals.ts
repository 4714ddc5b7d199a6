/**
 * Sponsorship refusals per project, clock hour and reason (the refusal's machine-readable code),
 * so the indexer's `sponsorship_refusal_spike` rule can compare this hour with the project's week.
 * Only counts: no sender, no operation, no address. Written in batches by the issuer
 * (sponsorship/refusal-counts.ts).
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sponsorship_refusals")
    .addColumn("project_id", sql`numeric(20, 0)`, (c) => c.notNull())
    .addColumn("hour", "timestamptz", (c) => c.notNull().check(sql`hour = date_trunc('hour', hour)`))
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason ~ '^[a-z0-9_]{1,64}$'`))
    .addColumn("count", "bigint", (c) => c.notNull().check(sql`count > 0`))
    .addPrimaryKeyConstraint("sponsorship_refusals_pkey", ["project_id", "hour", "reason"])
    .execute();
  // The rule reads a week of hours across projects.
  await db.schema.createIndex("sponsorship_refusals_hour").on("sponsorship_refusals").column("hour").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sponsorship_refusals").execute();
}
