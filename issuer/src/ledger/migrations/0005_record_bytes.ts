/**
 * The size of the record a session's attestation points to, as the issuer measured it when it
 * checked the stored item before signing. It feeds the analytics' storage figure (bytes uploaded
 * per project); a size is not personal data.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table kyc_sessions add column attestation_record_bytes bigint`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table kyc_sessions drop column attestation_record_bytes`.execute(db);
}
