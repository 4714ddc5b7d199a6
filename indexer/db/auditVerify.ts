/**
 * Walks the audit chains and reports the first break. Each chain starts at the genesis hash; a
 * checkpoint (a run of entries retention deleted) carries the walk from the hash before the run to
 * the run's last hash; the walk must end at the chain's head, so deleting the newest entries shows.
 * Format v2 entries are checked with the key their `key_id` names (db/auditKeys.ts); once a chain
 * has a keyed entry, an unkeyed one after it is a downgrade, and so is one past the cut-over: the
 * `keyedAfter` option, else ONEKEY_AUDIT_CHAIN_KEYED_AFTER, else the sealed record the first keyed
 * writer left (db/auditKeying.ts). With keys and no cut-over at all, an unkeyed entry cannot be told
 * from a rewritten one: it is reported as unverifiable, never passed.
 */
import type { Kysely, Selectable } from "kysely";
import { retentionClassOf } from "./auditClasses.js";
import { GENESIS_HASH, parseDetail, RETENTION_SEAL_ACTION, retentionSeal, storedEntryHash } from "./auditHash.js";
import { readKeying } from "./auditKeying.js";
import { processAuditChainKeys } from "./auditKeys.js";
import type { ApiDatabase } from "./tables.js";

export interface AuditChainBreak {
  /** The entry where the walk failed (for a missing tail: the head's last entry). */
  id: string;
  /** Its chain: the project id, or null for the global chain. */
  projectId: string | null;
  reason: string;
  /** "unverifiable": a keyed entry whose key is not configured here (not evidence of tampering). */
  kind: "tampered" | "unverifiable";
}

export interface VerifyOptions {
  /** One chain (null = global); absent: every chain. */
  projectId?: bigint | null;
  /** The chain keys by id; default: this process's (ONEKEY_AUDIT_CHAIN_KEYS). */
  keys?: ReadonlyMap<string, Buffer>;
  /**
   * Entries with a larger id must be keyed (v2): the last id written before the keys were
   * configured. Default: ONEKEY_AUDIT_CHAIN_KEYED_AFTER, else the sealed record in audit_keying.
   */
  keyedAfter?: bigint;
}

/** Where unkeyed entries must stop, and what one past it is. */
interface Cutover {
  after: bigint;
  kind: AuditChainBreak["kind"];
  reason: string;
}

interface WalkOptions {
  keys: ReadonlyMap<string, Buffer>;
  cutover?: Cutover;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries whose link and hash were checked (up to the break). */
  checked: number;
  chains: number;
  firstBreak?: AuditChainBreak;
}

type Entry = Selectable<ApiDatabase["audit_log"]>;
type Checkpoint = Selectable<ApiDatabase["audit_checkpoints"]>;

const BATCH = 1_000;

/**
 * Verifies one chain (`projectId`, null = global) or, without it, every chain. Reads one
 * snapshot (REPEATABLE READ) unless given a transaction, which is then read as it stands.
 */
export async function verifyAuditChain(
  db: Kysely<ApiDatabase>,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  if (db.isTransaction) return verifyIn(db, options);
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute((trx) => verifyIn(trx, options));
}

async function verifyIn(db: Kysely<ApiDatabase>, options: VerifyOptions): Promise<AuditVerification> {
  const keys = options.keys ?? processAuditChainKeys()?.keys ?? new Map();
  const chains =
    options.projectId === undefined
      ? await allChains(db)
      : [options.projectId === null ? null : options.projectId.toString()];
  const cutover = await resolveCutover(db, keys, options.keyedAfter ?? processAuditChainKeys()?.keyedAfter);
  if ("id" in cutover) return { ok: false, checked: 0, chains: chains.length, firstBreak: cutover };
  const walk: WalkOptions = { keys, cutover: cutover.cutover };
  let checked = 0;
  for (const projectId of chains) {
    const result = await verifyOne(db, projectId, walk);
    checked += result.checked;
    if (result.firstBreak) return { ok: false, checked, chains: chains.length, firstBreak: result.firstBreak };
  }
  return { ok: true, checked, chains: chains.length };
}

const pastCutover = (after: bigint) =>
  `unkeyed (format v1) entry after id ${after}, where every entry is keyed: the chain was rewritten without the key`;

/**
 * The cut-over: given (option or environment), else the sealed record when keys are configured.
 * Without keys there is nothing keyed to require. A record whose seal does not match is a break.
 */
async function resolveCutover(
  db: Kysely<ApiDatabase>,
  keys: ReadonlyMap<string, Buffer>,
  given: bigint | undefined,
): Promise<{ cutover?: Cutover } | AuditChainBreak> {
  if (given !== undefined) return { cutover: { after: given, kind: "tampered", reason: pastCutover(given) } };
  if (keys.size === 0) return {};
  const record = await readKeying(db, keys);
  if (record.state === "forged") {
    return {
      id: "audit_keying",
      projectId: null,
      kind: "tampered",
      reason: `the record of when the chains became keyed (audit_keying, after id ${record.keyedAfter}) does not match its seal: it was edited to let unkeyed entries through`,
    };
  }
  if (record.state === "ok") {
    return { cutover: { after: record.keyedAfter, kind: "tampered", reason: pastCutover(record.keyedAfter) } };
  }
  return {
    cutover: {
      after: -1n,
      kind: "unverifiable",
      reason:
        "unkeyed (format v1) entry, and no record of when the chains became keyed (audit_keying is empty: no keyed entry written since the upgrade, or the record was deleted): it cannot be told from a chain rewritten without the key; set ONEKEY_AUDIT_CHAIN_KEYED_AFTER to the last unkeyed entry id of the rollout",
    },
  };
}

/** Every chain with a head, an entry or a checkpoint: the global chain first, then by project id. */
async function allChains(db: Kysely<ApiDatabase>): Promise<(string | null)[]> {
  const [heads, entries, checkpoints] = await Promise.all([
    db.selectFrom("audit_heads").select("project_id").execute(),
    db.selectFrom("audit_log").select("project_id").distinct().execute(),
    db.selectFrom("audit_checkpoints").select("project_id").distinct().execute(),
  ]);
  const ids = new Set<string | null>();
  for (const r of [...heads, ...entries, ...checkpoints]) ids.add(r.project_id === null ? null : String(r.project_id));
  return [...ids].sort((a, b) => (a === null ? -1 : b === null ? 1 : BigInt(a) < BigInt(b) ? -1 : 1));
}

export function chainRows<T extends "audit_log" | "audit_checkpoints" | "audit_retention_receipts" | "audit_heads">(
  db: Kysely<ApiDatabase>,
  table: T,
  projectId: string | null,
) {
  // biome-ignore lint/suspicious/noExplicitAny: every one of these tables has a project_id column
  const query = db.selectFrom(table as any);
  return projectId === null ? query.where("project_id", "is", null) : query.where("project_id", "=", projectId);
}

async function verifyOne(
  db: Kysely<ApiDatabase>,
  projectId: string | null,
  walk: WalkOptions,
): Promise<{ checked: number; firstBreak?: AuditChainBreak }> {
  const fail = (id: unknown, reason: string, kind: AuditChainBreak["kind"] = "tampered") => ({
    checked,
    firstBreak: { id: String(id), projectId, reason, kind },
  });
  const head = (await chainRows(db, "audit_heads", projectId).selectAll().executeTakeFirst()) as
    | Selectable<ApiDatabase["audit_heads"]>
    | undefined;
  const checkpoints = (await chainRows(db, "audit_checkpoints", projectId)
    .selectAll()
    .orderBy("first_id")
    .execute()) as Checkpoint[];
  // An anonymized entry is valid only where a retention run of its class anonymized up to a cutoff past it.
  const anonymizedUpTo = new Map<string, number>();
  const receipts = (await chainRows(db, "audit_retention_receipts", projectId)
    .select(["run_id", "class", "mode", "cutoff"])
    .where("mode", "=", "anonymize")
    .execute()) as { run_id: string; class: string; mode: string; cutoff: Date }[];
  // Each retention run's seal, as the walk meets it (only from entries whose hash verified).
  const seals = new Map<string, string>();
  for (const r of receipts) {
    const t = new Date(r.cutoff).getTime();
    if (t > (anonymizedUpTo.get(r.class) ?? Number.NEGATIVE_INFINITY)) anonymizedUpTo.set(r.class, t);
  }

  let checked = 0;
  let expected = GENESIS_HASH;
  let previous: string | undefined;
  let purgedUpTo = -1n;
  let keyedSince: string | undefined;
  let next = 0;
  const crossCheckpointsBefore = (id: bigint | undefined) => {
    for (; next < checkpoints.length; next++) {
      const cp = checkpoints[next] as Checkpoint;
      if (id !== undefined && BigInt(cp.first_id) > id) return undefined;
      if (cp.prev_hash !== expected) {
        return fail(
          cp.first_id,
          `checkpoint ${cp.id} (entries ${cp.first_id}-${cp.last_id} purged) does not follow ${previous === undefined ? "the start of the chain" : `entry ${previous}`}: an entry before it was deleted, edited or reordered`,
        );
      }
      expected = cp.last_hash;
      previous = `${cp.last_id} (purged)`;
      if (BigInt(cp.last_id) > purgedUpTo) purgedUpTo = BigInt(cp.last_id);
    }
    return undefined;
  };

  let after = -1n;
  for (;;) {
    const rows = (await chainRows(db, "audit_log", projectId)
      .selectAll()
      .where("id", ">", after.toString())
      .orderBy("id")
      .limit(BATCH)
      .execute()) as Entry[];
    for (const row of rows) {
      const id = BigInt(row.id);
      const crossed = crossCheckpointsBefore(id);
      if (crossed) return crossed;
      if (id <= purgedUpTo) return fail(row.id, `entry lies inside a purged range (up to ${purgedUpTo})`);
      if (row.prev_hash !== expected) {
        return fail(
          row.id,
          previous === undefined
            ? "the first entry does not start from the chain's genesis: entries before it were deleted, or it was edited"
            : `does not link to the entry before it (${previous}): that entry was edited, or one between them was deleted, or the order was changed`,
        );
      }
      if (row.personal_digest !== null) {
        if (row.salt !== null || row.actor !== "" || row.request_id !== null || !isEmptyDetail(row.detail)) {
          return fail(row.id, "marked anonymized but still carries actor, detail, request id or salt");
        }
        const upTo = anonymizedUpTo.get(retentionClassOf(row.action));
        if (upTo === undefined || new Date(row.at).getTime() >= upTo) {
          return fail(row.id, "anonymized, but no retention run of its class reached it: someone erased who acted");
        }
      }
      if (row.key_id === null) {
        // Without the key, an attacker can only recompute unkeyed (v1) hashes: where the chain is keyed, that shows.
        if (keyedSince !== undefined) {
          return fail(
            row.id,
            `unkeyed (format v1) entry after keyed entries (since entry ${keyedSince}): the chain was rewritten without the key, or a writer ran without ONEKEY_AUDIT_CHAIN_KEYS`,
          );
        }
        if (walk.cutover !== undefined && id > walk.cutover.after) {
          return fail(row.id, walk.cutover.reason, walk.cutover.kind);
        }
      } else {
        keyedSince ??= String(row.id);
      }
      const recomputed = storedEntryHash(row, walk.keys);
      if (recomputed === undefined) {
        return fail(
          row.id,
          `cannot verify: key ${row.key_id} not configured (ONEKEY_AUDIT_CHAIN_KEYS)`,
          "unverifiable",
        );
      }
      if (recomputed !== row.hash) {
        return fail(row.id, "its content does not match its hash: the entry was edited");
      }
      if (row.action === RETENTION_SEAL_ACTION) {
        const { runId, seal } = (parseDetail(row.detail) ?? {}) as { runId?: unknown; seal?: unknown };
        if (typeof runId === "string" && typeof seal === "string") seals.set(runId, seal);
      }
      checked++;
      expected = row.hash;
      previous = `entry ${row.id}`;
    }
    if (rows.length < BATCH) break;
    after = BigInt((rows.at(-1) as Entry).id);
  }
  const crossed = crossCheckpointsBefore(undefined);
  if (crossed) return crossed;
  // Every checkpoint and anonymize receipt must be what a retention run sealed in this chain:
  // a range deleted and covered by a checkpoint nobody's run wrote is a purge that did not happen.
  const runs = new Set([...checkpoints.map((c) => c.run_id), ...receipts.map((r) => r.run_id)]);
  for (const runId of runs) {
    const ofRun = checkpoints.filter((c) => c.run_id === runId);
    const expectedSeal = retentionSeal(
      ofRun,
      receipts.filter((r) => r.run_id === runId),
    );
    if (seals.get(runId) !== expectedSeal) {
      const where = ofRun[0]
        ? `checkpoint ${ofRun[0].id} (entries ${ofRun[0].first_id}-${ofRun[0].last_id} purged)`
        : "an anonymize receipt";
      return fail(
        ofRun[0]?.first_id ?? "none",
        `${where} of retention run ${runId} is not what that run sealed in the chain: entries were deleted or erased and the purge was forged`,
      );
    }
  }
  if (!head) {
    return checked === 0 && checkpoints.length === 0
      ? { checked }
      : fail(previous ?? "none", "the chain has entries but no head: its head row was deleted");
  }
  if (head.last_hash !== expected) {
    return fail(
      head.last_id ?? "none",
      `the chain's head (entry ${head.last_id ?? "none"}) is not where the walk ends (${previous ?? "the start"}): the newest entries were deleted or edited`,
    );
  }
  return { checked };
}

function isEmptyDetail(detail: unknown): boolean {
  const value = typeof detail === "string" ? JSON.parse(detail) : detail;
  return value !== null && typeof value === "object" && Object.keys(value as object).length === 0;
}
