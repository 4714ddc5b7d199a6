/**
 * Tamper evidence and retention for the audit log: every entry is chained to the previous one of
 * its project (db/auditHash.ts, format v1), with a head row per chain that writers lock, plus the
 * checkpoints and receipts that retention writes (db/auditRetention.ts). Existing entries are
 * chained here, in id order, so old databases verify; their times are cut to milliseconds, the
 * precision the chain seals.
 */
import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { chainKey, entryHash, GENESIS_HASH, parseDetail, personalDigest } from "../auditHash.js";

interface LegacyEntry {
  id: string | number | bigint;
  at: Date | string;
  actor: string;
  project_id: string | number | bigint | null;
  action: string;
  target: string | null;
  result: string;
  detail: unknown;
  request_id: string | null;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("audit_log")
    .addColumn("prev_hash", "text")
    .addColumn("hash", "text")
    .addColumn("salt", "text")
    .addColumn("personal_digest", "text")
    .addColumn("redacted_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("audit_heads")
    .addColumn("chain", "text", (c) => c.primaryKey())
    .addColumn("project_id", "bigint")
    .addColumn("last_id", "bigint")
    .addColumn("last_hash", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("project_id", "bigint")
    .addColumn("first_id", "bigint", (c) => c.notNull())
    .addColumn("last_id", "bigint", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .addColumn("rows_purged", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_checkpoints_chain")
    .on("audit_checkpoints")
    .columns(["project_id", "first_id"])
    .execute();

  await db.schema
    .createTable("audit_retention_receipts")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("ran_at", "timestamptz", (c) => c.notNull())
    .addColumn("project_id", "bigint")
    .addColumn("class", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("days", "integer", (c) => c.notNull())
    .addColumn("cutoff", "timestamptz", (c) => c.notNull())
    .addColumn("rows_deleted", "integer", (c) => c.notNull())
    .addColumn("rows_anonymized", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_retention_receipts_chain")
    .on("audit_retention_receipts")
    .columns(["project_id", "class"])
    .execute();

  // Backfill: chain the existing entries, oldest id first, a batch at a time.
  await sql`update audit_log set at = date_trunc('milliseconds', at)`.execute(db);
  const heads = new Map<string, { projectId: string | null; lastId: string; lastHash: string }>();
  let after = "0";
  for (;;) {
    const { rows } = await sql<LegacyEntry>`
      select id, at, actor, project_id, action, target, result, detail, request_id
      from audit_log where id > ${after} order by id limit 500`.execute(db);
    for (const row of rows) {
      const projectId = row.project_id === null ? null : String(row.project_id);
      const chain = chainKey(projectId);
      const prevHash = heads.get(chain)?.lastHash ?? GENESIS_HASH;
      const salt = randomBytes(16).toString("hex");
      const hash = entryHash({
        prevHash,
        at: new Date(row.at),
        projectId,
        action: row.action,
        target: row.target,
        result: row.result,
        personal: personalDigest({
          actor: row.actor,
          detail: parseDetail(row.detail),
          requestId: row.request_id,
          salt,
        }),
      });
      await sql`update audit_log set prev_hash = ${prevHash}, hash = ${hash}, salt = ${salt} where id = ${String(row.id)}`.execute(
        db,
      );
      heads.set(chain, { projectId, lastId: String(row.id), lastHash: hash });
    }
    if (rows.length < 500) break;
    after = String((rows.at(-1) as LegacyEntry).id);
  }
  for (const [chain, head] of heads) {
    await sql`insert into audit_heads (chain, project_id, last_id, last_hash)
      values (${chain}, ${head.projectId}, ${head.lastId}, ${head.lastHash})`.execute(db);
  }

  await db.schema
    .alterTable("audit_log")
    .alterColumn("prev_hash", (c) => c.setNotNull())
    .execute();
  await db.schema
    .alterTable("audit_log")
    .alterColumn("hash", (c) => c.setNotNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_retention_receipts").execute();
  await db.schema.dropTable("audit_checkpoints").execute();
  await db.schema.dropTable("audit_heads").execute();
  await db.schema
    .alterTable("audit_log")
    .dropColumn("redacted_at")
    .dropColumn("personal_digest")
    .dropColumn("salt")
    .dropColumn("hash")
    .dropColumn("prev_hash")
    .execute();
}
