/**
 * Fills a project of a running stack (`npm run dev`) with what a busy tenant has, for the
 * dashboard benchmark (web/bench/web.ts): consenting subjects, a long webhook delivery log and a
 * long audit log.
 *
 * It writes the read tables directly, with set-based SQL: 10,000 consents on chain would take the
 * bench minutes, and the dashboard's screens only read these tables. The rows are shaped as the
 * indexer writes them (Ponder's `subjects`, `attestations` and `consents`: lowercase hex, Unix
 * seconds as numeric; the worker's `webhook_events`, `webhook_deliveries` and `webhook_attempts`),
 * so the API serves them as it would indexed ones. The audit log goes through the API's own
 * writer instead (its entries are hash-chained). Nothing here makes the stack act: no outbox rows
 * (the webhook worker would deliver them), every expiry at least days away from now (its expiry
 * scan would), and no delivery due (failed ones retry hours from now).
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { writeAudit } from "../db/audit.js";
import { openApiDb } from "../db/open.js";

export interface DashboardSeedOptions {
  /** The stack's indexer database (Ponder's tables and the API's). */
  databaseUrl: string;
  projectId: bigint | string;
  /** Subjects whose consent is active now; 1 in 20 more withdrew theirs. */
  consenting?: number;
  /** Webhook deliveries, spread over the project's endpoints and the last 30 days. */
  deliveries?: number;
  /** Audit log entries of the project. */
  auditEntries?: number;
}

export interface DashboardSeed {
  ponderSchema: string;
  apiSchema: string;
  subjects: number;
  consenting: number;
  deliveries: number;
  attempts: number;
  auditEntries: number;
  ms: number;
}

const DAY = 86_400;

/** The one schema holding `table` as a table (Ponder's views schema has views of the same name). */
async function schemaOf(client: pg.Client, table: string): Promise<string> {
  const { rows } = await client.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = $1 AND table_type = 'BASE TABLE'`,
    [table],
  );
  if (rows.length !== 1) throw new Error(`expected one table named ${table}, found ${rows.length}`);
  return (rows[0] as { schema: string }).schema;
}

const id = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function seedDashboard(options: DashboardSeedOptions): Promise<DashboardSeed> {
  const started = Date.now();
  const projectId = options.projectId.toString();
  const consenting = options.consenting ?? 10_000;
  // Every 21st subject withdrew consent (i % 21 = 0), so `total` leaves exactly `consenting` active.
  const total = consenting + Math.floor(consenting / 20);
  const deliveries = options.deliveries ?? 100_000;
  const auditEntries = options.auditEntries ?? 1_000;
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const ponderSchema = await schemaOf(client, "consents");
    const apiSchema = await schemaOf(client, "webhook_deliveries");
    const ponder = id(ponderSchema);
    const api = id(apiSchema);
    const [facts] = (
      await client.query<{
        now: string;
        issuer: string | null;
        owner: string | null;
        block: string;
        endpoints: string[];
        key: string | null;
      }>(
        `SELECT greatest(floor(extract(epoch FROM now())), coalesce((SELECT max(block_timestamp) FROM ${ponder}.outbox), 0))::text AS now,
                (SELECT issuer FROM ${ponder}.issuers WHERE registered ORDER BY registered_at LIMIT 1) AS issuer,
                (SELECT o.owner FROM ${ponder}.projects p JOIN ${ponder}.organizations o ON o.org_id = p.org_id
                  WHERE p.project_id = $1::numeric) AS owner,
                coalesce((SELECT max(block_number) FROM ${ponder}.attestations), 0)::text AS block,
                array(SELECT id FROM ${api}.webhook_endpoints WHERE project_id = $1 AND deleted_at IS NULL
                       ORDER BY created_at) AS endpoints,
                (SELECT id FROM ${api}.api_keys WHERE project_id = $1 ORDER BY created_at LIMIT 1) AS key`,
        [projectId],
      )
    ).rows;
    if (!facts?.issuer) throw new Error("the stack has no registered issuer to attest the seeded subjects");
    if (facts.endpoints.length === 0)
      throw new Error(`project ${projectId} has no webhook endpoint to seed deliveries for`);
    const now = Number(facts.now);

    await client.query("BEGIN");
    // Ponder's tables carry its triggers (reorg journal, live queries), which expect Ponder's own
    // session; rows that no block wrote have nothing to undo on a reorg, so they skip them.
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query(
      `CREATE TEMP TABLE bench_subjects ON COMMIT DROP AS
       WITH base AS (
         SELECT i,
                '0x' || left(md5('onekey-bench-subject:' || i), 20) || left(md5('onekey-bench-subject-b:' || i), 20) AS subject,
                '0x' || md5('onekey-bench-uid:' || i) || md5('onekey-bench-uid-b:' || i) AS uid,
                CASE WHEN i % 10 < 6 THEN 1 WHEN i % 10 < 9 THEN 2 ELSE 3 END AS level,
                -- consent times over the last 180 days, oldest first
                ($2::bigint - 180 * ${DAY} + (i::bigint * 180 * ${DAY}) / $1::bigint) AS granted_at
           FROM generate_series(1, $1::integer) AS i
       ), dated AS (
         SELECT *, granted_at - 60 - (i * 7919) % 3600 AS issued_at,
                CASE WHEN i % 42 = 0 THEN 'erased' WHEN i % 53 = 0 THEN 'revoked' ELSE 'active' END AS status
           FROM base
       )
       SELECT *,
              -- a year of validity; 1 in 29 of those issued over 30 days ago had a day (long expired)
              CASE WHEN i % 29 = 0 AND issued_at < $2::bigint - 30 * ${DAY} THEN issued_at + ${DAY}
                   ELSE issued_at + 365 * ${DAY} END AS expires_at,
              CASE WHEN status = 'active' THEN NULL
                   ELSE least(granted_at + ${DAY} + i % 7200, $2::bigint - 600) END AS ended_at,
              i % 21 <> 0 AS consent_active
         FROM dated`,
      [total, now],
    );
    await client.query(
      `INSERT INTO ${ponder}.attestations (uid, subject, issuer, level, issued_at, expires_at, storage_network,
              storage_id, ciphertext_hash, status, current, superseded_by, revoked_at, revoker, erased_at,
              block_number, transaction_hash)
       SELECT uid, subject, $1, level, issued_at, expires_at, 1,
              '0x' || md5('onekey-bench-storage:' || i) || md5('onekey-bench-storage-b:' || i),
              '0x' || md5('onekey-bench-ciphertext:' || i) || md5('onekey-bench-ciphertext-b:' || i),
              status, true, NULL,
              CASE WHEN status = 'revoked' THEN ended_at END, CASE WHEN status = 'revoked' THEN $1 END,
              CASE WHEN status = 'erased' THEN ended_at END,
              $2::numeric, '0x' || md5('onekey-bench-tx:' || i) || md5('onekey-bench-tx-b:' || i)
         FROM bench_subjects`,
      [facts.issuer, facts.block],
    );
    // An erased record withdrew every consent (as RecordErased does); other withdrawals are a day after the grant.
    await client.query(
      `INSERT INTO ${ponder}.subjects (subject, uid, issuer, level, status, issued_at, expires_at, decrypt_delegate,
              consented_project_ids, updated_at)
       SELECT subject, uid, $1, level, status, issued_at, expires_at, NULL,
              CASE WHEN consent_active THEN ARRAY[$2::numeric] ELSE '{}'::numeric[] END,
              coalesce(ended_at, issued_at)
         FROM bench_subjects`,
      [facts.issuer, projectId],
    );
    await client.query(
      `INSERT INTO ${ponder}.consents (project_id, subject, active, granted_at, revoked_at, uid, issuer, level,
              attestation_status, expires_at, updated_at)
       SELECT $1::numeric, subject, consent_active, granted_at, w.revoked_at, uid, $2, level, status, expires_at,
              greatest(granted_at, w.revoked_at, ended_at)
         FROM bench_subjects,
              LATERAL (SELECT CASE WHEN consent_active THEN NULL
                                   WHEN status = 'erased' THEN ended_at
                                   ELSE least(granted_at + ${DAY}, $3::bigint - 600) END AS revoked_at) w`,
      [projectId, facts.issuer, now],
    );
    await client.query("SET LOCAL session_replication_role = origin");

    // The delivery log: one event per delivery (consent and attestation events of the seeded
    // subjects), created over the last 30 days. 92% delivered (1 in 10 after a failed attempt),
    // 3% dead after 8 attempts, 3% failing now (the last hour's, retried hours from now), 2%
    // cancelled (retracted by a reorg before delivery).
    await client.query(
      `CREATE TEMP TABLE bench_deliveries ON COMMIT DROP AS
       WITH base AS (
         SELECT j, 1 + j % $3::integer AS s,
                (ARRAY['consent.granted', 'attestation.created', 'consent.granted', 'attestation.created',
                       'attestation.expired', 'consent.revoked', 'attestation.revoked'])[1 + j % 7] AS type,
                -- the chain's blocks so far, in order of time
                1 + (j::bigint * $5::bigint) / $1::bigint AS block_number,
                to_timestamp($2::bigint - 30 * ${DAY} + (j::bigint * 30 * ${DAY}) / $1::bigint + (j % 1000) / 1000.0 - 1)
                  AS created_at
           FROM generate_series(1, $1::integer) AS j
       ), typed AS (
         SELECT *,
                '0x' || left(md5('onekey-bench-subject:' || s), 20) || left(md5('onekey-bench-subject-b:' || s), 20)
                  AS subject,
                '0x' || md5('onekey-bench-uid:' || s) || md5('onekey-bench-uid-b:' || s) AS uid,
                '0x' || md5('onekey-bench-block:' || block_number) || md5('onekey-bench-block-b:' || block_number)
                  AS block_hash,
                CASE WHEN type = 'attestation.expired' THEN $4 || ':expired:0x' || md5('onekey-bench-event:' || j)
                     ELSE $4 || ':0x' || md5('onekey-bench-block:' || block_number)
                          || md5('onekey-bench-block-b:' || block_number) || ':' || j END AS source_id,
                CASE WHEN j % 50 = 0 THEN 'cancelled'
                     WHEN j % 33 = 0 THEN 'dead'
                     WHEN created_at > now() - interval '1 hour' AND j % 4 = 0 THEN 'failed'
                     ELSE 'delivered' END AS status
           FROM base
       )
       SELECT *, 'evt_' || left(encode(sha256(convert_to(source_id, 'UTF8')), 'hex'), 32) AS event_id,
              CASE status WHEN 'cancelled' THEN 0 WHEN 'dead' THEN 8 WHEN 'failed' THEN 1 + j % 3
                          ELSE CASE WHEN j % 10 = 0 THEN 2 ELSE 1 END END AS attempts
         FROM typed`,
      [deliveries, now, total, String(31337), facts.block],
    );
    await client.query(
      `INSERT INTO ${api}.webhook_events (id, source_id, outbox_id, type, project_ids, chain_id, block_number,
              block_hash, block_timestamp, transaction_hash, log_index, data, state, created_at)
       SELECT event_id, source_id, CASE WHEN type = 'attestation.expired' THEN NULL ELSE source_id END, type,
              ARRAY[$1::bigint], 31337,
              CASE WHEN type = 'attestation.expired' THEN NULL ELSE block_number END,
              CASE WHEN type = 'attestation.expired' THEN NULL ELSE block_hash END,
              floor(extract(epoch FROM created_at))::bigint - 2,
              CASE WHEN type = 'attestation.expired' THEN NULL
                   ELSE '0x' || md5('onekey-bench-etx:' || j) || md5('onekey-bench-etx-b:' || j) END,
              CASE WHEN type = 'attestation.expired' THEN NULL ELSE j END,
              CASE WHEN type LIKE 'consent.%' THEN jsonb_build_object('projectId', $1::text, 'subject', subject)
                   ELSE jsonb_build_object('uid', uid, 'subject', subject) END,
              CASE WHEN status = 'cancelled' THEN 'retracted' ELSE 'final' END, created_at
         FROM bench_deliveries`,
      [projectId],
    );
    await client.query(
      `INSERT INTO ${api}.webhook_deliveries (id, event_id, endpoint_id, project_id, status, confirmations, attempts,
              next_attempt_at, lease_until, lease_pid, last_status_code, created_at, delivered_at)
       SELECT 'dlv_' || left(md5(event_id || '/' || ep), 24), event_id, ep, $1::bigint, status, 0, attempts,
              CASE WHEN status = 'failed' THEN now() + make_interval(hours => 2 + j % 8) END, NULL, NULL,
              CASE status WHEN 'delivered' THEN (ARRAY[200, 200, 200, 204])[1 + j % 4]
                          WHEN 'dead' THEN (ARRAY[500, 502, 410, NULL])[1 + j % 4]
                          WHEN 'failed' THEN (ARRAY[500, 503, NULL])[1 + j % 3] END,
              created_at,
              CASE WHEN status = 'delivered' THEN created_at + make_interval(secs => 0.05 + (j % 400) / 1000.0
                                                   + CASE WHEN attempts > 1 THEN 5 ELSE 0 END) END
         FROM bench_deliveries, LATERAL (SELECT ($2::text[])[1 + j % cardinality($2::text[])] AS ep) e`,
      [projectId, facts.endpoints],
    );
    // Each attempt of each delivery: the last one's outcome is the delivery's; earlier ones failed.
    const attempts = await client.query(
      `INSERT INTO ${api}.webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, error)
       SELECT d.id, n, d.created_at + make_interval(secs => CASE WHEN n = 1 THEN 0.05 ELSE 5 * 6 ^ (n - 2) END),
              CASE WHEN n = d.attempts THEN d.last_status_code ELSE (ARRAY[500, 503, NULL])[1 + n % 3] END,
              40 + (hashtext(d.id) & 511),
              CASE WHEN (CASE WHEN n = d.attempts THEN d.last_status_code ELSE (ARRAY[500, 503, NULL])[1 + n % 3] END)
                        IS NULL THEN 'timeout after 10000 ms' END
         FROM ${api}.webhook_deliveries d
         JOIN bench_deliveries b ON b.event_id = d.event_id, generate_series(1, d.attempts) AS n
        ORDER BY d.created_at, n`,
    );

    await client.query("COMMIT");
    await seedAuditLog(options.databaseUrl, apiSchema, {
      projectId,
      entries: auditEntries,
      owner: facts.owner ?? `0x${"0".repeat(39)}1`,
      apiKeyId: facts.key,
      endpointId: facts.endpoints[0] as string,
      subjects: total,
    });
    // As production's statistics would be: the planner sees the tables as they are now.
    for (const table of [
      `${ponder}.subjects`,
      `${ponder}.attestations`,
      `${ponder}.consents`,
      `${api}.webhook_events`,
      `${api}.webhook_deliveries`,
      `${api}.webhook_attempts`,
      `${api}.audit_log`,
    ]) {
      await client.query(`ANALYZE ${table}`);
    }
    return {
      ponderSchema,
      apiSchema,
      subjects: total,
      consenting,
      deliveries,
      attempts: attempts.rowCount ?? 0,
      auditEntries,
      ms: Date.now() - started,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** The address the seed gives its `n`th subject (as `bench_subjects` does in SQL). */
function subjectAddress(n: number): string {
  const md5 = (text: string) => createHash("md5").update(text).digest("hex");
  return `0x${md5(`onekey-bench-subject:${n}`).slice(0, 20)}${md5(`onekey-bench-subject-b:${n}`).slice(0, 20)}`;
}

/**
 * The project's audit log, through the API's own writer (writeAudit), so every entry joins the
 * project's hash chain as a request's would: the owner's endpoint, key and delivery changes and
 * sign-ins, a reader's record openings, and 1 in 17 refused (an account without the role).
 */
async function seedAuditLog(
  databaseUrl: string,
  schema: string,
  seed: {
    projectId: string;
    entries: number;
    owner: string;
    apiKeyId: string | null;
    endpointId: string;
    subjects: number;
  },
): Promise<void> {
  const { db, close } = openApiDb({ kind: "postgres", url: databaseUrl, schema });
  const reader = subjectAddress(seed.subjects + 1);
  const projectId = BigInt(seed.projectId);
  // A second apart, ending three hours ago: outside every security rule's window (the worker's
  // scan would otherwise raise the refusals and openings below as incidents mid-measurement).
  const start = Date.now() - 3 * 3_600_000 - seed.entries * 1000;
  const at = (k: number) => new Date(start + k * 1000);
  try {
    for (let k = 1; k <= seed.entries; k++) {
      const requestId = `req_${createHash("md5").update(`onekey-bench-request:${k}`).digest("hex").slice(0, 16)}`;
      if (k % 17 === 0) {
        await writeAudit(db, {
          actor: subjectAddress(seed.subjects + 2 + (k % 5)),
          projectId,
          action: k % 2 === 0 ? "consents.read" : "audit_log.read",
          result: "denied",
          detail: { reason: k % 2 === 0 ? "role_missing" : "not_project_admin" },
          requestId,
          at: at(k),
        });
        continue;
      }
      const kind = k % 6;
      const entry =
        kind <= 1
          ? { actor: reader, action: "record.open", target: subjectAddress(1 + (k % seed.subjects)) }
          : kind === 2
            ? {
                actor: seed.owner,
                action: "webhook_delivery.replay",
                target: `dlv_${k.toString(16).padStart(24, "0")}`,
              }
            : kind === 3
              ? {
                  actor: seed.owner,
                  action: "webhook_endpoint.update",
                  target: seed.endpointId,
                  detail: { enabled: true },
                }
              : kind === 4 && seed.apiKeyId
                ? {
                    actor: seed.owner,
                    action: "api_key.rotate",
                    target: seed.apiKeyId,
                    detail: { gracePeriodSeconds: 3600 },
                  }
                : { actor: seed.owner, action: "session.login" };
      await writeAudit(db, { projectId, result: "ok", requestId, at: at(k), ...entry });
    }
  } finally {
    await close();
  }
}
