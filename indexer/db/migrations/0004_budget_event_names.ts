/**
 * The budget's events get one name for one thing: `sponsorship.funded`, `.withdrawn`,
 * `.policy_set` become `budget.funded`, `.withdrawn`, `.policy_set`, and `sponsorship.operation`
 * becomes `operation.sponsored`. Endpoints keep their subscriptions and stored events (retries,
 * replays) go out under the new names.
 */
import { type Kysely, sql } from "kysely";

const RENAMED: [old: string, name: string][] = [
  ["sponsorship.funded", "budget.funded"],
  ["sponsorship.withdrawn", "budget.withdrawn"],
  ["sponsorship.policy_set", "budget.policy_set"],
  ["sponsorship.operation", "operation.sponsored"],
];

async function rename(db: Kysely<unknown>, pairs: [from: string, to: string][]): Promise<void> {
  for (const [from, to] of pairs) {
    await sql`UPDATE webhook_endpoints SET event_types = array_replace(event_types, ${from}, ${to})
               WHERE ${from} = ANY (event_types)`.execute(db);
    await sql`UPDATE webhook_events SET type = ${to} WHERE type = ${from}`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rename(db, RENAMED);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rename(
    db,
    RENAMED.map(([old, name]) => [name, old]),
  );
}
