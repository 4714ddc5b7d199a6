/**
 * The chain trail (webhooks/worker/chainTrail.ts): governance and role changes on chain enter the
 * audit trail once they are final. `trailed_at` marks each final event the trail has considered
 * (copied or not governance), so a restart or a second worker never copies one twice; the partial
 * index keeps the ones still to consider cheap to find. Events final before this migration are
 * considered by the first pass after it (governance history is backfilled, stamped then).
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_events ADD COLUMN trailed_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX webhook_events_untrailed ON webhook_events (block_number, log_index)
     WHERE state = 'final' AND trailed_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX webhook_events_untrailed`.execute(db);
  await sql`ALTER TABLE webhook_events DROP COLUMN trailed_at`.execute(db);
}
