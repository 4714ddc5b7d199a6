/**
 * The networks each API key is used from, for the `api_key_new_network` security rule: the key,
 * the client's network prefix (IPv4 /24, IPv6 /48; never the address itself) and when the key was
 * first and last seen from it. Written at most once a minute per key, network and process
 * (src/api/auth/apiKeys.ts); the rule forgets a network `ONEKEY_SECURITY_KEY_NETWORK_DAYS` after
 * its last use, so the table holds no more history than the rule reads.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_key_networks (
      key_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
      network text NOT NULL CHECK (network ~ '^[0-9a-f.:]+/(24|48)$'),
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      PRIMARY KEY (key_id, network)
    )`.execute(db);
  // The rule reads the networks first seen lately and forgets the ones last seen long ago.
  await sql`CREATE INDEX api_key_networks_first_seen ON api_key_networks (first_seen)`.execute(db);
  await sql`CREATE INDEX api_key_networks_last_seen ON api_key_networks (last_seen)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE api_key_networks`.execute(db);
}
