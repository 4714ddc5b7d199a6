/**
 * The audit log of admin actions: who, what, on which project, when, and the result. Each entry is
 * chained to the previous one of its project (db/auditHash.ts); entries without a project form the
 * global chain. db/auditVerify.ts walks the chains, db/auditRetention.ts expires entries.
 */
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { chainKey, entryHash, entryHashV2, GENESIS_HASH, personalDigest, type SealedFields } from "./auditHash.js";
import { recordKeying } from "./auditKeying.js";
import { type AuditKeyRing, processAuditChainKeys } from "./auditKeys.js";
import type { ApiDatabase } from "./tables.js";

export interface AuditEntry {
  actor: string;
  projectId?: bigint;
  action: string;
  target?: string;
  result: "ok" | "denied" | "failed";
  /** Non-secret context (key ids, scopes, reasons): never key material or tokens. */
  detail?: Record<string, unknown>;
  requestId?: string;
  /** When it happened; now by default (a clock the caller controls, e.g. in tests). */
  at?: Date;
}

/**
 * Appends an entry to its project's chain. Writers of one chain take turns on the chain's head row
 * (SELECT ... FOR UPDATE), so concurrent writers never fork it. Given a transaction, the entry and
 * the head commit or roll back with the caller's work, and the head stays locked until then.
 * Sealed with the process's current chain key (format v2, db/auditKeys.ts), or v1 without one;
 * the first keyed entry also writes the sealed cut-over (db/auditKeying.ts).
 */
export async function writeAudit(
  db: Kysely<ApiDatabase> | Transaction<ApiDatabase>,
  entry: AuditEntry,
  keys: AuditKeyRing | undefined = processAuditChainKeys(),
): Promise<void> {
  if (db.isTransaction) return append(db, entry, keys);
  await db.transaction().execute((trx) => append(trx, entry, keys));
}

async function append(trx: Kysely<ApiDatabase>, entry: AuditEntry, keys: AuditKeyRing | undefined): Promise<void> {
  const projectId = entry.projectId === undefined ? null : entry.projectId.toString();
  const chain = chainKey(projectId);
  const lockHead = () =>
    trx.selectFrom("audit_heads").select("last_hash").where("chain", "=", chain).forUpdate().executeTakeFirst();
  let head = await lockHead();
  if (!head) {
    // A new chain: whoever inserts first wins; the others wait for it and then lock its row.
    await trx
      .insertInto("audit_heads")
      .values({ chain, project_id: projectId, last_id: null, last_hash: GENESIS_HASH })
      .onConflict((oc) => oc.column("chain").doNothing())
      .execute();
    head = await lockHead();
    if (!head) throw new Error(`Audit chain ${chain} has no head row`);
  }

  // Milliseconds: what a JavaScript Date reads back, so the verifier sees the instant that was sealed.
  const at = new Date((entry.at ?? new Date()).getTime());
  const actor = entry.actor.toLowerCase();
  // The JSON that jsonb will hold (Dates as strings, undefined members gone), so it hashes the same.
  const detail = JSON.parse(JSON.stringify(entry.detail ?? {})) as Record<string, unknown>;
  const requestId = entry.requestId ?? null;
  const target = entry.target ?? null;
  const salt = randomBytes(16).toString("hex");
  const sealed: SealedFields = {
    prevHash: head.last_hash,
    at,
    projectId,
    action: entry.action,
    target,
    result: entry.result,
    personal: personalDigest({ actor, detail, requestId, salt }),
  };
  const kid = keys?.currentKid ?? null;
  const key = kid === null ? undefined : keys?.keys.get(kid);
  if (kid !== null && !key) throw new Error(`Audit chain key ${kid} is not in the key ring`);
  const hash = key && kid !== null ? entryHashV2(sealed, kid, key) : entryHash(sealed);
  const inserted = await trx
    .insertInto("audit_log")
    .values({
      at,
      actor,
      project_id: projectId,
      action: entry.action,
      target,
      result: entry.result,
      detail: JSON.stringify(detail),
      request_id: requestId,
      prev_hash: head.last_hash,
      hash,
      key_id: kid,
      salt,
      personal_digest: null,
      redacted_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("audit_heads")
    .set({ last_id: String(inserted.id), last_hash: hash, updated_at: new Date() })
    .where("chain", "=", chain)
    .execute();
  // The first keyed entry leaves the sealed cut-over the verifier applies by default.
  if (key && kid !== null) await recordKeying(trx, BigInt(String(inserted.id)), kid, key);
}
