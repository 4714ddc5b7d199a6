/**
 * Security alerts raised by the detection rules (security/): one row per incident, deduplicated
 * by rule and key while it is open or acknowledged, with its evidence and who handled it.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE security_alerts (
      id bigserial PRIMARY KEY,
      rule text NOT NULL,
      severity text NOT NULL,
      -- The affected project; NULL for what concerns the deployment (sign-ins, say).
      project_id bigint,
      -- What makes two findings the same incident (the rule's subject: an address, an endpoint).
      dedup_key text NOT NULL,
      summary text NOT NULL,
      evidence jsonb NOT NULL,
      -- 'open', then 'acknowledged', then 'resolved'.
      state text NOT NULL DEFAULT 'open',
      occurrences integer NOT NULL DEFAULT 1,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      acknowledged_by text,
      acknowledged_at timestamptz,
      resolved_by text,
      resolved_at timestamptz,
      -- When the operator channel accepted the alert (NULL: not configured, or not yet).
      operator_notified_at timestamptz
    )`.execute(db);
  // At most one unresolved incident per rule and key: a finding joins it instead of alerting again.
  await sql`
    CREATE UNIQUE INDEX security_alerts_unresolved ON security_alerts (rule, dedup_key)
     WHERE state <> 'resolved'`.execute(db);
  await sql`CREATE INDEX security_alerts_project ON security_alerts (project_id, id)`.execute(db);
  // The rules read the trail by action and time, every scan: without this, a table scan each time.
  await sql`CREATE INDEX audit_log_action_at ON audit_log (action, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX audit_log_action_at`.execute(db);
  await db.schema.dropTable("security_alerts").execute();
}
