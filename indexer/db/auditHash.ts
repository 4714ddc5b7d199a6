/**
 * How an audit entry is sealed into its chain. Released formats never change: a new format gets a
 * new version number, and the verifier keeps reading the old one.
 *
 *   personal = sha256(canonical { actor, detail, requestId, salt })
 *   v1: hash = sha256(canonical { v: 1, prev, at, project, action, target, result, personal })
 *   v2: hash = HMAC-SHA256(key[kid], canonical { v: 2, kid, prev, at, project, action, target, result, personal })
 *
 * v2 is keyed (db/auditKeys.ts): whoever can write the database but holds no key cannot recompute
 * a chain after editing it. An entry's `key_id` column says which: null = v1, else v2 with that key.
 *
 * The fields about a person (actor, detail, request id) are sealed through their own digest, with
 * a random per-entry salt, so retention can erase them and keep the digest: the entry still
 * verifies, and without the salt the digest cannot be matched against a list of addresses.
 */
import { createHash, createHmac } from "node:crypto";

/** The `prev_hash` of a chain's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every level; undefined members dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

export interface PersonalFields {
  actor: string;
  detail: unknown;
  requestId: string | null;
  salt: string | null;
}

export function personalDigest(fields: PersonalFields): string {
  return sha256Hex(
    canonicalJson({ actor: fields.actor, detail: fields.detail, requestId: fields.requestId, salt: fields.salt }),
  );
}

export interface SealedFields {
  prevHash: string;
  at: Date;
  /** The project as a decimal string; null = the global chain. */
  projectId: string | null;
  action: string;
  target: string | null;
  result: string;
  personal: string;
}

const sealedBody = (fields: SealedFields) => ({
  prev: fields.prevHash,
  at: fields.at.toISOString(),
  project: fields.projectId,
  action: fields.action,
  target: fields.target,
  result: fields.result,
  personal: fields.personal,
});

/** Format v1: unkeyed. */
export function entryHash(fields: SealedFields): string {
  return sha256Hex(canonicalJson({ v: 1, ...sealedBody(fields) }));
}

/** Format v2: keyed with `key`, whose id `kid` is sealed too (so an entry cannot be moved to another key). */
export function entryHashV2(fields: SealedFields, kid: string, key: Buffer): string {
  return createHmac("sha256", key)
    .update(canonicalJson({ v: 2, kid, ...sealedBody(fields) }))
    .digest("hex");
}

/** An audit_log row as either driver returns it (int8 as string, number or bigint; jsonb parsed or not). */
export interface StoredEntry {
  prev_hash: string;
  at: Date | string;
  project_id: string | number | bigint | null;
  actor: string;
  action: string;
  target: string | null;
  result: string;
  detail: unknown;
  request_id: string | null;
  salt: string | null;
  personal_digest: string | null;
  /** v2: the key it was sealed with; null (or absent, before migration 0011): v1. */
  key_id?: string | null;
}

export const parseDetail = (detail: unknown): unknown => (typeof detail === "string" ? JSON.parse(detail) : detail);

/** The personal digest an entry seals: recomputed from its fields, or the stored one once erased. */
export function storedPersonal(row: StoredEntry): string {
  return (
    row.personal_digest ??
    personalDigest({ actor: row.actor, detail: parseDetail(row.detail), requestId: row.request_id, salt: row.salt })
  );
}

/**
 * What a stored entry's hash must be, given its own fields: for v2, with the key its `key_id`
 * names, looked up in `keys`; undefined when that key is not there (it cannot be checked).
 */
export function storedEntryHash(row: StoredEntry, keys?: ReadonlyMap<string, Buffer>): string | undefined {
  const fields: SealedFields = {
    prevHash: row.prev_hash,
    at: new Date(row.at),
    projectId: row.project_id === null ? null : String(row.project_id),
    action: row.action,
    target: row.target,
    result: row.result,
    personal: storedPersonal(row),
  };
  if (row.key_id === null || row.key_id === undefined) return entryHash(fields);
  const key = keys?.get(row.key_id);
  return key ? entryHashV2(fields, row.key_id, key) : undefined;
}

/** The key of a chain's head row: the project id, or "global". */
export const chainKey = (projectId: string | null): string => projectId ?? "global";

/** The action of the entry a retention run writes into each chain it purged, sealing what it did. */
export const RETENTION_SEAL_ACTION = "audit.retention.sealed";

/**
 * What a retention run did to one chain, as one hash: its checkpoints (the ranges it deleted and
 * the hashes around them) and its anonymize receipts (class and cutoff). The run writes it into
 * that chain, in the same transaction, so a checkpoint or receipt nobody's run sealed shows.
 */
export function retentionSeal(
  checkpoints: readonly { first_id: unknown; last_id: unknown; prev_hash: string; last_hash: string }[],
  receipts: readonly { class: string; mode: string; cutoff: Date | string }[],
): string {
  const body = canonicalJson({
    checkpoints: checkpoints
      .map((c) => [String(c.first_id), String(c.last_id), c.prev_hash, c.last_hash])
      .sort((a, b) => (BigInt(a[0] as string) < BigInt(b[0] as string) ? -1 : 1)),
    receipts: receipts
      .filter((r) => r.mode === "anonymize")
      .map((r) => [r.class, new Date(r.cutoff).toISOString()])
      .sort(),
  });
  return createHash("sha256").update(body).digest("hex");
}
