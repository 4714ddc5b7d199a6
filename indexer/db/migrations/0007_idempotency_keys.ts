/**
 * Idempotency keys of the tenant API's writes: a retried POST with the same `Idempotency-Key`
 * gets the first answer instead of acting twice (src/api/http/idempotency.ts). Rows live 24 hours.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_keys (
      -- sha256 of the credential's identity and the client's key: neither is stored.
      id text PRIMARY KEY,
      -- sha256 of method, path and canonical body: the same key with another request is a 409.
      fingerprint text NOT NULL,
      -- 'running' while the first request is being served, then 'done'.
      state text NOT NULL,
      -- Random per claim: the request that claimed the key completes or frees only its own claim
      -- (a claim taken over as abandoned is another's).
      claim text NOT NULL,
      status integer,
      content_type text,
      -- The first answer, AES-256-GCM under a key derived from the client's Idempotency-Key, so
      -- the table alone reveals no response (a created API key's secret, say).
      body_ciphertext text,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("idempotency_keys").execute();
}
