/**
 * Operators' pause of a KYC provider, protocol-wide (kyc/provider-states.ts): one row per provider
 * name that was ever paused or resumed; no row means running. The reason is an operator's short
 * note (an outage, a breach at the provider, a contract ending), never personal data; changed_by
 * is the operator's address as the tenant API authenticated it.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("provider_states")
    .addColumn("provider", "text", (c) => c.primaryKey().check(sql`provider ~ '^[a-z0-9_-]{1,32}$'`))
    .addColumn("paused", "boolean", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().check(sql`char_length(reason) between 1 and 200`))
    .addColumn("changed_by", "text", (c) => c.notNull().check(sql`changed_by ~ '^0x[0-9a-f]{40}$'`))
    .addColumn("changed_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("provider_states").execute();
}
