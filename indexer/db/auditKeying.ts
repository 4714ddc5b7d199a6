/**
 * The sealed record of when the audit chains became keyed: the last id before the first keyed
 * (v2) entry, HMAC-sealed with that entry's key. The first writer that seals an entry with a key
 * writes it, in the same transaction; the verifier reads it as its default cut-over (every entry
 * past it must be keyed), so rewriting a chain as unkeyed entries from its start shows without an
 * operator step. Whoever can write the database but holds no key cannot forge it or move it; they
 * can delete it, and the verifier then cannot tell old unkeyed entries from rewritten ones and says
 * so rather than passing them (see the README's audit section for what remains).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { canonicalJson } from "./auditHash.js";
import type { ApiDatabase } from "./tables.js";

export interface KeyingRecord {
  keyedAfter: bigint;
  kid: string;
  createdAt: Date;
  mac: string;
}

export function keyingMac(record: Omit<KeyingRecord, "mac">, key: Buffer): string {
  return createHmac("sha256", key)
    .update(
      canonicalJson({
        v: 1,
        what: "audit.keyed_after",
        keyedAfter: record.keyedAfter.toString(),
        kid: record.kid,
        at: record.createdAt.toISOString(),
      }),
    )
    .digest("hex");
}

/**
 * Writes the record if there is none, in the caller's transaction, right after it sealed entry
 * `id` with key `kid`. The cut-over is the last id before the oldest keyed entry, this one
 * included: entries keyed before this table existed count too. Concurrent first writers: one row wins.
 */
export async function recordKeying(trx: Kysely<ApiDatabase>, id: bigint, kid: string, key: Buffer): Promise<void> {
  const existing = await trx.selectFrom("audit_keying").select("id").executeTakeFirst();
  if (existing) return;
  const oldest = await trx
    .selectFrom("audit_log")
    .select(sql<string | null>`min(id)::text`.as("id"))
    .where("key_id", "is not", null)
    .executeTakeFirst();
  const first = oldest?.id ? BigInt(oldest.id) : id;
  const record = { keyedAfter: (first < id ? first : id) - 1n, kid, createdAt: new Date(Date.now()) };
  await trx
    .insertInto("audit_keying")
    .values({
      id: 1,
      keyed_after: record.keyedAfter.toString(),
      kid,
      created_at: record.createdAt,
      mac: keyingMac(record, key),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export type KeyingCheck =
  | { state: "none" }
  /** `verified`: false when its key is not configured here (its value is used as it stands). */
  | { state: "ok"; keyedAfter: bigint; verified: boolean }
  | { state: "forged"; keyedAfter: bigint };

/** Reads the record and checks its seal with `keys`. */
export async function readKeying(db: Kysely<ApiDatabase>, keys: ReadonlyMap<string, Buffer>): Promise<KeyingCheck> {
  const row = await db.selectFrom("audit_keying").selectAll().executeTakeFirst();
  if (!row) return { state: "none" };
  const keyedAfter = BigInt(String(row.keyed_after));
  const key = keys.get(row.kid);
  if (!key) return { state: "ok", keyedAfter, verified: false };
  const expected = Buffer.from(
    keyingMac({ keyedAfter, kid: row.kid, createdAt: new Date(row.created_at) }, key),
    "hex",
  );
  const actual = Buffer.from(row.mac, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected)
    ? { state: "ok", keyedAfter, verified: true }
    : { state: "forged", keyedAfter };
}
