/**
 * Webhooks: endpoints a project registers, the project's delivery settings, and the worker's
 * delivery state (events, deliveries, attempts). Ponder never touches this schema, so delivery
 * state survives new deployment schemas, re-indexing and reorgs.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id text PRIMARY KEY,
      project_id bigint NOT NULL,
      url text NOT NULL,
      -- Empty means every event type.
      event_types text[] NOT NULL DEFAULT '{}',
      description text,
      rate_limit_per_second integer NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      disabled_at timestamptz,
      disabled_reason text,
      -- whsec_ secrets, AES-256-GCM under ONEKEY_WEBHOOK_ENCRYPTION_KEY; the worker must sign with them.
      secret_ciphertext text NOT NULL,
      previous_secret_ciphertext text,
      previous_secret_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_project ON webhook_endpoints (project_id) WHERE deleted_at IS NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE webhook_settings (
      project_id bigint PRIMARY KEY,
      -- NULL: deliver once the block is final; N: after N confirmations, retracting on a reorg.
      confirmations integer,
      budget_low_threshold numeric(78, 0) NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE webhook_events (
      id text PRIMARY KEY,
      -- What the event was derived from: the outbox id, or a synthetic key (expiry, budget.low).
      source_id text NOT NULL UNIQUE,
      -- The outbox row whose disappearance (a reorg) retracts this event; NULL when time-based.
      outbox_id text,
      type text NOT NULL,
      project_ids bigint[] NOT NULL,
      chain_id integer NOT NULL,
      block_number bigint,
      block_hash text,
      block_timestamp bigint,
      transaction_hash text,
      log_index integer,
      data jsonb NOT NULL,
      -- live (block not final yet), final, retracted
      state text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_events_live ON webhook_events (block_number) WHERE state = 'live'`.execute(db);

  await sql`
    CREATE TABLE webhook_deliveries (
      id text PRIMARY KEY,
      event_id text NOT NULL REFERENCES webhook_events (id),
      endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
      project_id bigint NOT NULL,
      -- held (waiting for confirmations), pending, delivering, failed (will retry), delivered,
      -- dead (retries exhausted), cancelled (retracted before delivery)
      status text NOT NULL,
      -- The project's policy when the event arrived: NULL = finality, N = confirmations.
      confirmations integer,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      lease_until timestamptz,
      -- The PostgreSQL backend of the worker holding the lease: a dead worker's leases end at once.
      lease_pid integer,
      last_status_code integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      UNIQUE (event_id, endpoint_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status IN ('pending', 'failed')`.execute(db);
  // The claim walks endpoints and takes each one's oldest due deliveries.
  await sql`CREATE INDEX webhook_deliveries_due_by_endpoint ON webhook_deliveries (endpoint_id, next_attempt_at)
    WHERE status IN ('pending', 'failed')`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until)
    WHERE status = 'delivering'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_held ON webhook_deliveries (event_id) WHERE status = 'held'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (project_id, created_at DESC, id DESC)`.execute(
    db,
  );

  await sql`
    CREATE TABLE webhook_attempts (
      id bigserial PRIMARY KEY,
      delivery_id text NOT NULL REFERENCES webhook_deliveries (id),
      attempt integer NOT NULL,
      at timestamptz NOT NULL,
      status_code integer,
      latency_ms integer NOT NULL,
      error text
    )`.execute(db);
  await sql`CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id)`.execute(db);

  // The worker's watermarks: blocks at or below these are final and fully ingested.
  await sql`
    CREATE TABLE webhook_cursors (
      name text PRIMARY KEY,
      value bigint NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "webhook_cursors",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_events",
    "webhook_settings",
    "webhook_endpoints",
  ]) {
    await sql`DROP TABLE ${sql.id(table)}`.execute(db);
  }
}
