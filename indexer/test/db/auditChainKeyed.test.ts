/**
 * Format v2: the chain keyed with HMAC-SHA256 (db/auditKeys.ts). The attacker here can write the
 * database (rewrite entries, recompute every hash after them, move the head) but holds no key.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
import { DEFAULT_RETENTION_DAYS } from "../../db/auditClasses.js";
import {
  canonicalJson,
  chainKey,
  entryHash,
  GENESIS_HASH,
  RETENTION_SEAL_ACTION,
  type SealedFields,
  storedPersonal,
} from "../../db/auditHash.js";
import { keyingMac } from "../../db/auditKeying.js";
import { type AuditKeyRing, readAuditChainKeys, setProcessAuditChainKeys } from "../../db/auditKeys.js";
import { runRetention } from "../../db/auditRetention.js";
import { verifyAuditChain } from "../../db/auditVerify.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const ACTOR = "0x00000000000000000000000000000000000000a1";
const K1 = randomBytes(32);
const K2 = randomBytes(32);
const ring1: AuditKeyRing = { currentKid: "k1", keys: new Map([["k1", K1]]) };
// After rotation: k2 seals, k1 still verifies the older entries.
const ring2: AuditKeyRing = {
  currentKid: "k2",
  keys: new Map([
    ["k1", K1],
    ["k2", K2],
  ]),
};
const bothKeys = ring2.keys;

type Row = Awaited<ReturnType<typeof chainOf>>[number];

async function chainOf(db: Kysely<ApiDatabase>, projectId: bigint) {
  const rows = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("project_id", "=", String(projectId))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, id: String(r.id) }));
}

async function write(db: Kysely<ApiDatabase>, projectId: bigint, n: number, ring: AuditKeyRing | undefined) {
  for (let i = 0; i < n; i++) {
    await writeAudit(
      db,
      { actor: ACTOR, projectId, action: "api_key.create", target: `key_${i}`, result: "ok", detail: { i } },
      ring,
    );
  }
}

const sealed = (row: Row, prevHash: string): SealedFields => ({
  prevHash,
  at: new Date(row.at),
  projectId: row.project_id === null ? null : String(row.project_id),
  action: row.action,
  target: row.target,
  result: row.result,
  personal: storedPersonal(row),
});

/** What format v2 seals, written out here from its definition, not taken from the code under test. */
const v2Body = (fields: SealedFields, kid: string) =>
  canonicalJson({
    v: 2,
    kid,
    prev: fields.prevHash,
    at: fields.at.toISOString(),
    project: fields.projectId,
    action: fields.action,
    target: fields.target,
    result: fields.result,
    personal: fields.personal,
  });
const hmacV2 = (fields: SealedFields, kid: string, key: Buffer) =>
  createHmac("sha256", key).update(v2Body(fields, kid)).digest("hex");

/**
 * The attacker: edits the entry `at` index `from` of the chain, then recomputes the hash of it and
 * of every entry after it with `reseal` (and the key id it claims), relinks them, and moves the head.
 */
async function rewriteChain(
  db: Kysely<ApiDatabase>,
  projectId: bigint,
  from: number,
  edit: Partial<Pick<Row, "result" | "target">>,
  reseal: (fields: SealedFields, row: Row) => { hash: string; key_id: string | null },
) {
  const rows = await chainOf(db, projectId);
  let prev = from === 0 ? GENESIS_HASH : (rows[from - 1] as Row).hash;
  for (const [i, original] of rows.entries()) {
    if (i < from) continue;
    const row = i === from ? { ...original, ...edit } : original;
    const { hash, key_id } = reseal(sealed(row, prev), row);
    await db
      .updateTable("audit_log")
      .set({ result: row.result, target: row.target, prev_hash: prev, hash, key_id })
      .where("id", "=", row.id)
      .execute();
    prev = hash;
  }
  await db
    .updateTable("audit_heads")
    .set({ last_hash: prev })
    .where("chain", "=", chainKey(String(projectId)))
    .execute();
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

describe("reading the chain keys", () => {
  const hex = K1.toString("hex");
  const read = (keys: string | undefined, id: string | undefined) =>
    readAuditChainKeys({ ONEKEY_AUDIT_CHAIN_KEYS: keys, ONEKEY_AUDIT_CHAIN_KEY_ID: id });

  it("neither variable (or both empty): no keys, entries are v1", () => {
    expect(read(undefined, undefined)).toBeUndefined();
    expect(read("", "")).toBeUndefined();
  });

  it("refuses what it cannot use, naming the variable and never quoting a secret", () => {
    const cases: [string | undefined, string | undefined, RegExp][] = [
      [undefined, "k1", /ONEKEY_AUDIT_CHAIN_KEYS is required when ONEKEY_AUDIT_CHAIN_KEY_ID is set/],
      [JSON.stringify({ k1: hex }), undefined, /ONEKEY_AUDIT_CHAIN_KEY_ID is required/],
      ["{}", "k1", /must name at least one key/],
      [JSON.stringify(hex), "k1", /must name at least one key/],
      [JSON.stringify({ "k 1": hex }), "k 1", /key ids must be 1-64 letters/],
      [
        JSON.stringify([
          { kid: "k1", key: hex },
          { kid: "k1", key: hex },
        ]),
        "k1",
        /names key "k1" twice/,
      ],
      [JSON.stringify({ k1: `${hex}!` }), "k1", /key "k1" must be hex or base64/],
      [JSON.stringify({ k1: 42 }), "k1", /key "k1" must be a string/],
    ];
    expect(() =>
      readAuditChainKeys({
        ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k1: hex }),
        ONEKEY_AUDIT_CHAIN_KEY_ID: "k1",
        ONEKEY_AUDIT_CHAIN_KEYED_AFTER: "12a",
      }),
    ).toThrow(/ONEKEY_AUDIT_CHAIN_KEYED_AFTER must be an audit entry id/);
    expect(() => readAuditChainKeys({ ONEKEY_AUDIT_CHAIN_KEYED_AFTER: "12" })).toThrow(
      /ONEKEY_AUDIT_CHAIN_KEYED_AFTER needs ONEKEY_AUDIT_CHAIN_KEYS/,
    );
    for (const [keys, id, message] of cases) {
      let error: Error | undefined;
      try {
        read(keys, id);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(hex);
    }
  });
});

describe.each(["postgres", "pglite"] as DbKind[])("the keyed audit chain (format v2) on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_audit_keyed");
    db = t.store.db;
    await migrate(db, "latest");
  });
  afterEach(() => setProcessAuditChainKeys("reset"));
  afterAll(async () => {
    await t?.close();
  });

  it("seals v2 entries with HMAC-SHA256 under the current key and records its id; v1 entries before them still verify", async () => {
    await write(db, 1n, 2, undefined);
    await write(db, 1n, 2, ring1);
    const rows = await chainOf(db, 1n);
    expect(rows.map((r) => r.key_id)).toEqual([null, null, "k1", "k1"]);
    // v1 rows: plain sha256; v2 rows: the HMAC of the format's definition, linked on from the v1 part.
    expect(rows[1]?.hash).toBe(entryHash(sealed(rows[1] as Row, rows[0]?.hash as string)));
    expect(rows[2]?.prev_hash).toBe(rows[1]?.hash);
    for (const row of rows.slice(2)) expect(row.hash).toBe(hmacV2(sealed(row, row.prev_hash), "k1", K1));
    expect(await verifyAuditChain(db, { projectId: 1n, keys: ring1.keys })).toEqual({
      ok: true,
      checked: 4,
      chains: 1,
    });
  });

  it("a key rotated mid-chain: entries of both keys verify while both are configured", async () => {
    await write(db, 2n, 2, ring1);
    await write(db, 2n, 2, ring2);
    expect((await chainOf(db, 2n)).map((r) => r.key_id)).toEqual(["k1", "k1", "k2", "k2"]);
    expect(await verifyAuditChain(db, { projectId: 2n, keys: bothKeys })).toEqual({ ok: true, checked: 4, chains: 1 });
  });

  it("an entry whose key is not configured is reported as unverifiable, naming the key, not as tampering", async () => {
    const rows = await chainOf(db, 2n);
    const result = await verifyAuditChain(db, { projectId: 2n, keys: new Map([["k2", K2]]) });
    expect(result).toMatchObject({
      ok: false,
      checked: 0,
      firstBreak: {
        id: rows[0]?.id,
        kind: "unverifiable",
        reason: expect.stringMatching(/^cannot verify: key k1 not configured/),
      },
    });
    // No keys at all (the process's own, unset here): the same.
    expect((await verifyAuditChain(db, { projectId: 2n })).firstBreak?.kind).toBe("unverifiable");
  });

  it("writers and the verifier use the process's keys, read from the environment by the same reader as the config", async () => {
    const ring = readAuditChainKeys({
      ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k1: K1.toString("hex"), k2: K2.toString("base64") }),
      ONEKEY_AUDIT_CHAIN_KEY_ID: "k2",
    });
    expect(ring?.currentKid).toBe("k2");
    expect(ring?.keys.get("k2")?.equals(K2)).toBe(true);
    setProcessAuditChainKeys(ring);
    await writeAudit(db, { actor: ACTOR, projectId: 3n, action: "record.open", result: "ok" });
    const [row] = await chainOf(db, 3n);
    expect(row?.key_id).toBe("k2");
    expect(row?.hash).toBe(hmacV2(sealed(row as Row, GENESIS_HASH), "k2", K2));
    expect((await verifyAuditChain(db, { projectId: 3n })).ok).toBe(true);
  });

  describe("an attacker without the key", () => {
    it("edits an entry and recomputes the chain with plain sha256 (as v1): caught at that entry as a downgrade", async () => {
      await write(db, 10n, 5, ring1);
      const rows = await chainOf(db, 10n);
      await rewriteChain(db, 10n, 2, { result: "denied" }, (fields) => ({ hash: entryHash(fields), key_id: null }));
      const result = await verifyAuditChain(db, { projectId: 10n, keys: ring1.keys });
      expect(result).toMatchObject({ ok: false, checked: 2, firstBreak: { id: rows[2]?.id, kind: "tampered" } });
      expect(result.firstBreak?.reason).toMatch(/unkeyed \(format v1\) entry after keyed entries/);
    });

    it("rewrites the whole keyed chain as v1 from its start: caught at the first entry past --keyed-after", async () => {
      await write(db, 11n, 3, undefined);
      await write(db, 11n, 3, ring1);
      const rows = await chainOf(db, 11n);
      const lastUnkeyed = BigInt(rows[2]?.id as string);
      expect((await verifyAuditChain(db, { projectId: 11n, keys: ring1.keys, keyedAfter: lastUnkeyed })).ok).toBe(true);
      await rewriteChain(db, 11n, 1, { target: "key_x" }, (fields) => ({ hash: entryHash(fields), key_id: null }));
      const result = await verifyAuditChain(db, { projectId: 11n, keys: ring1.keys, keyedAfter: lastUnkeyed });
      expect(result).toMatchObject({ ok: false, checked: 3, firstBreak: { id: rows[3]?.id, kind: "tampered" } });
      expect(result.firstBreak?.reason).toMatch(/unkeyed \(format v1\) entry after id \d+, where every entry is keyed/);
    });

    it("keeps the key id and recomputes v2 with sha256 instead of the HMAC: caught at that entry", async () => {
      await write(db, 12n, 5, ring1);
      const rows = await chainOf(db, 12n);
      await rewriteChain(db, 12n, 3, { result: "failed" }, (fields) => ({
        hash: sha256Hex(v2Body(fields, "k1")),
        key_id: "k1",
      }));
      const result = await verifyAuditChain(db, { projectId: 12n, keys: ring1.keys });
      expect(result).toMatchObject({ ok: false, checked: 3, firstBreak: { id: rows[3]?.id, kind: "tampered" } });
      expect(result.firstBreak?.reason).toMatch(/does not match its hash: the entry was edited/);
    });

    it("recomputes with a key of its own, under the real key id or another configured one: caught at that entry", async () => {
      await write(db, 13n, 4, ring2);
      const rows = await chainOf(db, 13n);
      const guess = randomBytes(32);
      for (const kid of ["k2", "k1"]) {
        await rewriteChain(db, 13n, 1, { target: `forged_${kid}` }, (fields) => ({
          hash: hmacV2(fields, kid, guess),
          key_id: kid,
        }));
        const result = await verifyAuditChain(db, { projectId: 13n, keys: bothKeys });
        expect(result).toMatchObject({ ok: false, checked: 1, firstBreak: { id: rows[1]?.id, kind: "tampered" } });
        expect(result.firstBreak?.reason).toMatch(/does not match its hash/);
      }
      // The same rewrite with the real key verifies: the test's recomputation is the format's.
      await rewriteChain(db, 13n, 1, { target: "key_1" }, (fields) => ({
        hash: hmacV2(fields, "k2", K2),
        key_id: "k2",
      }));
      expect((await verifyAuditChain(db, { projectId: 13n, keys: bothKeys })).ok).toBe(true);
    });
  });

  it("a retention purge across v1 and v2 entries, during a rotation, leaves a chain that verifies and still catches an edit", async () => {
    // Now: the other tests' chains (some broken on purpose) hold nothing old enough to purge.
    const NOW = new Date();
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
    const session = (ring: AuditKeyRing | undefined, days: number) =>
      writeAudit(db, { actor: ACTOR, projectId: 20n, action: "session.login", result: "ok", at: daysAgo(days) }, ring);
    await session(undefined, 200);
    // This database's other chains were keyed long before this unkeyed entry: the operator's
    // ONEKEY_AUDIT_CHAIN_KEYED_AFTER (the last unkeyed id of the rollout) moves the cut-over past it.
    const [lastUnkeyed] = await chainOf(db, 20n);
    await session(ring1, 150);
    await session(ring1, 120);
    await writeAudit(
      db,
      { actor: ACTOR, projectId: 20n, action: "api_key.create", result: "ok", at: daysAgo(100), detail: { who: 1 } },
      ring1,
    );
    await session(ring2, 5);
    // The run seals with the process's keys (k2), as the retention command does.
    setProcessAuditChainKeys({ ...ring2, keyedAfter: BigInt(lastUnkeyed?.id as string) });
    const result = await runRetention(db, { now: NOW, policy: DEFAULT_RETENTION_DAYS });
    expect(result.skipped).toEqual([]);
    expect(result.deleted.session).toBe(3);
    expect(result.checkpoints).toBe(1);
    const rows = await chainOf(db, 20n);
    expect(rows.map((r) => [r.action, r.key_id])).toEqual([
      ["api_key.create", "k1"],
      ["session.login", "k2"],
      [RETENTION_SEAL_ACTION, "k2"],
    ]);
    expect(await verifyAuditChain(db, { projectId: 20n, keys: bothKeys })).toEqual({ ok: true, checked: 3, chains: 1 });
    // The run's own entry in the global chain is sealed with k2 too.
    const global = await db.selectFrom("audit_log").select("key_id").where("project_id", "is", null).execute();
    expect(global.map((r) => r.key_id)).toEqual(["k2"]);
    expect((await verifyAuditChain(db, { projectId: null, keys: bothKeys })).ok).toBe(true);

    await db
      .updateTable("audit_log")
      .set({ result: "denied" })
      .where("id", "=", rows[1]?.id as string)
      .execute();
    const broken = await verifyAuditChain(db, { projectId: 20n, keys: bothKeys });
    expect(broken.firstBreak).toMatchObject({ id: rows[1]?.id, kind: "tampered" });
  });
});

describe.each(["postgres", "pglite"] as DbKind[])("the keyed cut-over, applied by default, on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  let rows: Row[];
  const NOW = new Date();
  const longAgo = new Date(NOW.getTime() - 200 * 86_400_000);

  beforeAll(async () => {
    // Its own database: the cut-over is one record for all chains.
    t = await openTestApiDb(kind, "onekey_audit_cutover");
    db = t.store.db;
    await migrate(db, "latest");
    // Before the rollout: sign-ins old enough for retention to delete; then the keys arrive.
    for (let i = 0; i < 3; i++) {
      await writeAudit(
        db,
        { actor: ACTOR, projectId: 1n, action: "session.login", result: "ok", at: longAgo },
        undefined,
      );
    }
    expect(await db.selectFrom("audit_keying").selectAll().execute()).toEqual([]);
    await write(db, 1n, 3, ring1);
    rows = await chainOf(db, 1n);
  });
  afterEach(() => setProcessAuditChainKeys("reset"));
  afterAll(async () => {
    await t?.close();
  });

  it("the first keyed write seals the last unkeyed id as the cut-over, and the honest chain verifies by default", async () => {
    const record = await db.selectFrom("audit_keying").selectAll().executeTakeFirstOrThrow();
    expect(String(record.keyed_after)).toBe(rows[2]?.id);
    expect(record.kid).toBe("k1");
    // The seal, recomputed from its definition with the key.
    const body = canonicalJson({
      v: 1,
      what: "audit.keyed_after",
      keyedAfter: rows[2]?.id,
      kid: "k1",
      at: new Date(record.created_at).toISOString(),
    });
    expect(record.mac).toBe(createHmac("sha256", K1).update(body).digest("hex"));
    // Later keyed writes leave it as it is.
    await write(db, 2n, 1, ring2);
    expect(await db.selectFrom("audit_keying").selectAll().execute()).toEqual([record]);
    expect(await verifyAuditChain(db, { keys: bothKeys })).toMatchObject({ ok: true, checked: 7 });
  });

  it("the whole keyed chain rewritten as v1 from its start: caught by default by verify, and retention leaves it alone", async () => {
    await rewriteChain(db, 1n, 1, { target: "key_x" }, (fields) => ({ hash: entryHash(fields), key_id: null }));
    // No --keyed-after, no ONEKEY_AUDIT_CHAIN_KEYED_AFTER: the sealed record is the cut-over.
    const result = await verifyAuditChain(db, { projectId: 1n, keys: ring1.keys });
    expect(result).toMatchObject({ ok: false, checked: 3, firstBreak: { id: rows[3]?.id, kind: "tampered" } });
    expect(result.firstBreak?.reason).toMatch(/unkeyed \(format v1\) entry after id \d+, where every entry is keyed/);

    setProcessAuditChainKeys(ring1);
    const run = await runRetention(db, { now: NOW, policy: DEFAULT_RETENTION_DAYS });
    expect(run.skipped).toEqual([expect.objectContaining({ projectId: "1", id: rows[3]?.id, kind: "tampered" })]);
    expect(run.deleted.session).toBe(0);
    expect(await chainOf(db, 1n)).toHaveLength(6);
  });

  it("ONEKEY_AUDIT_CHAIN_KEYED_AFTER overrides the record (the --keyed-after flag overrides both)", async () => {
    const ring = readAuditChainKeys({
      ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k1: K1.toString("hex") }),
      ONEKEY_AUDIT_CHAIN_KEY_ID: "k1",
      ONEKEY_AUDIT_CHAIN_KEYED_AFTER: rows[0]?.id,
    });
    expect(ring?.keyedAfter).toBe(BigInt(rows[0]?.id as string));
    setProcessAuditChainKeys(ring);
    expect((await verifyAuditChain(db, { projectId: 1n })).firstBreak?.id).toBe(rows[1]?.id);
    expect(
      (await verifyAuditChain(db, { projectId: 1n, keyedAfter: BigInt(rows[2]?.id as string) })).firstBreak?.id,
    ).toBe(rows[3]?.id);
  });

  it("the record edited to move the cut-over past the rewrite: its seal no longer matches, a break", async () => {
    const original = await db.selectFrom("audit_keying").selectAll().executeTakeFirstOrThrow();
    await db.updateTable("audit_keying").set({ keyed_after: "999999" }).execute();
    const result = await verifyAuditChain(db, { keys: ring1.keys });
    expect(result).toMatchObject({ ok: false, checked: 0, firstBreak: { id: "audit_keying", kind: "tampered" } });
    expect(result.firstBreak?.reason).toMatch(/does not match its seal/);
    // Re-sealed with a key of the attacker's own: the same.
    const forged = { keyedAfter: 999999n, kid: "k1", createdAt: new Date(original.created_at) };
    await db
      .updateTable("audit_keying")
      .set({ mac: keyingMac(forged, randomBytes(32)) })
      .execute();
    expect((await verifyAuditChain(db, { keys: ring1.keys })).firstBreak?.id).toBe("audit_keying");
    await db
      .updateTable("audit_keying")
      .set({ keyed_after: String(original.keyed_after), mac: original.mac })
      .execute();
  });

  it("the record deleted as well: unkeyed entries cannot be told from rewritten ones, so they are reported, never passed", async () => {
    await db.deleteFrom("audit_keying").execute();
    const result = await verifyAuditChain(db, { projectId: 1n, keys: ring1.keys });
    expect(result).toMatchObject({ ok: false, checked: 0, firstBreak: { id: rows[0]?.id, kind: "unverifiable" } });
    expect(result.firstBreak?.reason).toMatch(/no record of when the chains became keyed/);
    setProcessAuditChainKeys(ring1);
    const run = await runRetention(db, { now: NOW, policy: DEFAULT_RETENTION_DAYS });
    expect(run.skipped.map((b) => b.projectId)).toContain("1");
    expect(await chainOf(db, 1n)).toHaveLength(6);
    // A verifier without the keys (local development) has nothing keyed to require: the check needs the keys.
    expect((await verifyAuditChain(db, { projectId: 1n, keys: new Map() })).ok).toBe(true);
  });
});
