/**
 * How an audit entry is sealed into its chain (format v1). Released formats never change: a new
 * format gets a new version number, and the verifier keeps reading the old one.
 *
 *   personal = sha256(canonical { actor, detail, requestId, salt })
 *   hash     = sha256(canonical { v: 1, prev, at, project, action, target, result, personal })
 *
 * The fields about a person (actor, detail, request id) are sealed through their own digest, with
 * a random per-entry salt, so retention can erase them and keep the digest: the entry still
 * verifies, and without the salt the digest cannot be matched against a list of addresses.
 */
import { createHash } from "node:crypto";

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

export function entryHash(fields: SealedFields): string {
  return sha256Hex(
    canonicalJson({
      v: 1,
      prev: fields.prevHash,
      at: fields.at.toISOString(),
      project: fields.projectId,
      action: fields.action,
      target: fields.target,
      result: fields.result,
      personal: fields.personal,
    }),
  );
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
}

export const parseDetail = (detail: unknown): unknown => (typeof detail === "string" ? JSON.parse(detail) : detail);

/** The personal digest an entry seals: recomputed from its fields, or the stored one once erased. */
export function storedPersonal(row: StoredEntry): string {
  return (
    row.personal_digest ??
    personalDigest({ actor: row.actor, detail: parseDetail(row.detail), requestId: row.request_id, salt: row.salt })
  );
}

/** What a stored entry's hash must be, given its own fields. */
export function storedEntryHash(row: StoredEntry): string {
  return entryHash({
    prevHash: row.prev_hash,
    at: new Date(row.at),
    projectId: row.project_id === null ? null : String(row.project_id),
    action: row.action,
    target: row.target,
    result: row.result,
    personal: storedPersonal(row),
  });
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
