/**
 * The audit retention job: per class (db/auditClasses.ts), entries older than the class's days are
 * deleted or anonymized. A deleted run of consecutive entries leaves a checkpoint (the hash before
 * the run and the run's last hash), so the rest of the chain still verifies; an anonymized entry
 * keeps its sealed digest. Each chain is handled in its own transaction with its head locked, and
 * only if it verifies first: a purge never destroys the evidence of a break. Every chain and class
 * that changed gets a receipt, and the run itself is an entry in the global chain.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { writeAudit } from "./audit.js";
import {
  parseRetentionPolicy,
  RETENTION_CLASSES,
  RETENTION_MODES,
  type RetentionClass,
  type RetentionPolicy,
  retentionClassOf,
} from "./auditClasses.js";
import { chainKey, parseDetail, RETENTION_SEAL_ACTION, retentionSeal, storedPersonal } from "./auditHash.js";
import { type AuditChainBreak, chainRows, verifyAuditChain } from "./auditVerify.js";
import type { ApiDatabase } from "./tables.js";

const DAY_MS = 86_400_000;
const CHUNK = 1_000;

export interface RetentionResult {
  runId: string;
  cutoffs: Record<RetentionClass, Date>;
  deleted: Record<RetentionClass, number>;
  anonymized: Record<RetentionClass, number>;
  /** Checkpoints written (one per run of consecutive deleted entries). */
  checkpoints: number;
  /** Chains left untouched because they do not verify (their first break). */
  skipped: AuditChainBreak[];
}

const perClass = <T>(value: (c: RetentionClass) => T) =>
  Object.fromEntries(RETENTION_CLASSES.map((c) => [c, value(c)])) as Record<RetentionClass, T>;

export async function runRetention(
  db: Kysely<ApiDatabase>,
  options: { now: Date; policy: RetentionPolicy },
): Promise<RetentionResult> {
  const policy = parseRetentionPolicy(options.policy);
  const now = options.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new Error("runRetention: now must be a valid Date");
  const runId = randomUUID();
  const cutoffs = perClass((c) => new Date(now.getTime() - policy[c] * DAY_MS));
  const latestCutoff = new Date(Math.max(...RETENTION_CLASSES.map((c) => cutoffs[c].getTime())));
  const result: RetentionResult = {
    runId,
    cutoffs,
    deleted: perClass(() => 0),
    anonymized: perClass(() => 0),
    checkpoints: 0,
    skipped: [],
  };

  // Every chain with an entry older than the latest cutoff (already anonymized entries are passed over below).
  const projectIds = (
    await db.selectFrom("audit_log").select("project_id").distinct().where("at", "<", latestCutoff).execute()
  ).map((r) => (r.project_id === null ? null : String(r.project_id)));

  for (const projectId of projectIds) {
    await db.transaction().execute(async (trx) => {
      // Writers of this chain wait until the purge commits; so does a second retention run.
      await trx
        .selectFrom("audit_heads")
        .select("chain")
        .where("chain", "=", chainKey(projectId))
        .forUpdate()
        .execute();
      const check = await verifyAuditChain(trx, { projectId: projectId === null ? null : BigInt(projectId) });
      if (!check.ok) {
        if (check.firstBreak) result.skipped.push(check.firstBreak);
        return;
      }
      const old = await chainRows(trx, "audit_log", projectId)
        .select(["id", "at", "action", "personal_digest"])
        .where("at", "<", latestCutoff)
        .orderBy("id")
        .execute();
      const toDelete = new Map<bigint, RetentionClass>();
      const toAnonymize: { id: bigint; class: RetentionClass }[] = [];
      for (const row of old as { id: unknown; at: Date; action: string; personal_digest: string | null }[]) {
        // A run's seal stays as long as the checkpoints and receipts it vouches for.
        if (row.action === RETENTION_SEAL_ACTION) continue;
        const c = retentionClassOf(row.action);
        if (new Date(row.at).getTime() >= cutoffs[c].getTime()) continue;
        if (RETENTION_MODES[c] === "delete") toDelete.set(BigInt(String(row.id)), c);
        else if (row.personal_digest === null) toAnonymize.push({ id: BigInt(String(row.id)), class: c });
      }
      const deleted = perClass(() => 0);
      const anonymized = perClass(() => 0);

      if (toDelete.size > 0) {
        const runs = await deletedRuns(trx, projectId, toDelete);
        for (const run of runs) {
          await trx
            .insertInto("audit_checkpoints")
            .values({ run_id: runId, project_id: projectId, ...run, created_at: now })
            .execute();
        }
        const ids = [...toDelete.keys()].map(String);
        for (let i = 0; i < ids.length; i += CHUNK) {
          await trx
            .deleteFrom("audit_log")
            .where("id", "in", ids.slice(i, i + CHUNK))
            .execute();
        }
        for (const c of toDelete.values()) deleted[c]++;
        result.checkpoints += runs.length;
      }

      for (let i = 0; i < toAnonymize.length; i += CHUNK) {
        const chunk = toAnonymize.slice(i, i + CHUNK);
        const rows = await trx
          .selectFrom("audit_log")
          .selectAll()
          .where(
            "id",
            "in",
            chunk.map((r) => String(r.id)),
          )
          .execute();
        for (const row of rows) {
          // The digest the hash sealed, computed before the fields go: the entry still verifies.
          const digest = storedPersonal({ ...row, detail: parseDetail(row.detail) });
          await trx
            .updateTable("audit_log")
            .set({ actor: "", detail: "{}", request_id: null, salt: null, personal_digest: digest, redacted_at: now })
            .where("id", "=", String(row.id))
            .execute();
          anonymized[retentionClassOf(row.action)]++;
        }
      }

      for (const c of RETENTION_CLASSES) {
        if (deleted[c] === 0 && anonymized[c] === 0) continue;
        await trx
          .insertInto("audit_retention_receipts")
          .values({
            run_id: runId,
            ran_at: now,
            project_id: projectId,
            class: c,
            mode: RETENTION_MODES[c],
            days: policy[c],
            cutoff: cutoffs[c],
            rows_deleted: deleted[c],
            rows_anonymized: anonymized[c],
          })
          .execute();
        result.deleted[c] += deleted[c];
        result.anonymized[c] += anonymized[c];
      }

      // Seal what this run did to the chain, in the chain and in the same transaction: the
      // verifier accepts a checkpoint or an anonymize receipt only under a seal that matches it.
      const [sealedCheckpoints, sealedReceipts] = await Promise.all([
        chainRows(trx, "audit_checkpoints", projectId).selectAll().where("run_id", "=", runId).execute(),
        chainRows(trx, "audit_retention_receipts", projectId).selectAll().where("run_id", "=", runId).execute(),
      ]);
      if (sealedCheckpoints.length > 0 || sealedReceipts.some((r) => (r as { mode: string }).mode === "anonymize")) {
        await writeAudit(trx, {
          actor: "onekey:retention",
          projectId: projectId === null ? undefined : BigInt(projectId),
          action: RETENTION_SEAL_ACTION,
          result: "ok",
          detail: {
            runId,
            seal: retentionSeal(
              sealedCheckpoints as { first_id: unknown; last_id: unknown; prev_hash: string; last_hash: string }[],
              sealedReceipts as { class: string; mode: string; cutoff: Date }[],
            ),
          },
          at: now,
        });
      }
    });
  }

  const sum = (counts: Record<RetentionClass, number>) => RETENTION_CLASSES.reduce((n, c) => n + counts[c], 0);
  await writeAudit(db, {
    actor: "onekey:retention",
    action: "audit.retention",
    result: result.skipped.length > 0 ? "failed" : "ok",
    detail: {
      runId,
      deleted: sum(result.deleted),
      anonymized: sum(result.anonymized),
      checkpoints: result.checkpoints,
      skipped: result.skipped.map((b) => ({ projectId: b.projectId, id: b.id })),
    },
    at: now,
  });
  return result;
}

interface DeletedRun {
  first_id: string;
  last_id: string;
  prev_hash: string;
  last_hash: string;
  rows_purged: number;
}

/**
 * Groups the entries to delete into runs of consecutive entries of the chain. A run ends at an
 * entry that stays and at an earlier checkpoint, so checkpoints never overlap and the verifier can
 * cross them one after the other.
 */
async function deletedRuns(
  trx: Kysely<ApiDatabase>,
  projectId: string | null,
  toDelete: Map<bigint, RetentionClass>,
): Promise<DeletedRun[]> {
  let last = 0n;
  for (const id of toDelete.keys()) if (id > last) last = id;
  const rows = (await chainRows(trx, "audit_log", projectId)
    .select(["id", "prev_hash", "hash"])
    .where("id", "<=", last.toString())
    .orderBy("id")
    .execute()) as { id: unknown; prev_hash: string; hash: string }[];
  const barriers = (
    (await chainRows(trx, "audit_checkpoints", projectId)
      .select("first_id")
      .where("first_id", "<=", last.toString())
      .execute()) as { first_id: unknown }[]
  ).map((c) => BigInt(String(c.first_id)));
  type Item = { id: bigint; row?: { prev_hash: string; hash: string } };
  const items: Item[] = [
    ...rows.map((r): Item => ({ id: BigInt(String(r.id)), row: r })),
    ...barriers.map((id): Item => ({ id })),
  ];
  // By id; a checkpoint before an entry of the same id (the verifier's order).
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.row ? 1 : -1));

  const runs: DeletedRun[] = [];
  let open: DeletedRun | undefined;
  for (const item of items) {
    if (item.row && toDelete.has(item.id)) {
      if (open) {
        open.last_id = item.id.toString();
        open.last_hash = item.row.hash;
        open.rows_purged++;
      } else {
        open = {
          first_id: item.id.toString(),
          last_id: item.id.toString(),
          prev_hash: item.row.prev_hash,
          last_hash: item.row.hash,
          rows_purged: 1,
        };
      }
    } else if (open) {
      runs.push(open);
      open = undefined;
    }
  }
  if (open) runs.push(open);
  return runs;
}
