import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
import { GENESIS_HASH, personalDigest } from "../../db/auditHash.js";
import { verifyAuditChain } from "../../db/auditVerify.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const ACTOR = "0xAbC0000000000000000000000000000000000001";

async function entries(db: Kysely<ApiDatabase>, projectId: bigint | null) {
  let query = db.selectFrom("audit_log").selectAll().orderBy("id");
  query =
    projectId === null ? query.where("project_id", "is", null) : query.where("project_id", "=", String(projectId));
  return (await query.execute()).map((r) => ({ ...r, id: String(r.id) }));
}

/** Writes `n` entries to a project's chain and returns their ids. */
async function fill(db: Kysely<ApiDatabase>, projectId: bigint, n: number): Promise<string[]> {
  for (let i = 0; i < n; i++) {
    await writeAudit(db, {
      actor: ACTOR,
      projectId,
      action: "api_key.create",
      target: `key_${i}`,
      result: "ok",
      detail: { i, scopes: ["read"] },
      requestId: `req-${projectId}-${i}`,
    });
  }
  return (await entries(db, projectId)).map((e) => e.id);
}

describe.each(["postgres", "pglite"] as DbKind[])("the audit chain on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_audit_chain");
    db = t.store.db;
    // Entries an older version wrote (no chain yet; times from the database clock, in microseconds).
    await migrate(db, { to: "0005_api_key_last_used" });
    for (const [project, action] of [
      [1, "api_key.create"],
      [null, "session.login"],
      [1, "api_key.revoke"],
      [2, "webhook_endpoint.create"],
      [1, "record.open"],
    ] as const) {
      await sql`insert into audit_log (actor, project_id, action, target, result, detail, request_id)
        values (${ACTOR.toLowerCase()}, ${project === null ? null : String(project)}, ${action}, ${"t"}, ${"ok"},
                ${JSON.stringify({ legacy: true, n: 1.5 })}::jsonb, ${"req-legacy"})`.execute(db);
    }
    await migrate(db, "latest");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("chains the entries an older version wrote, in id order, so an old database verifies", async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5, chains: 3 });
    const project1 = await entries(db, 1n);
    expect(project1.map((e) => e.action)).toEqual(["api_key.create", "api_key.revoke", "record.open"]);
    expect(project1[0]?.prev_hash).toBe(GENESIS_HASH);
    expect(project1[1]?.prev_hash).toBe(project1[0]?.hash);
    expect(project1[2]?.prev_hash).toBe(project1[1]?.hash);
    const heads = await db.selectFrom("audit_heads").select(["chain", "last_hash"]).orderBy("chain").execute();
    expect(heads).toEqual([
      { chain: "1", last_hash: project1[2]?.hash },
      { chain: "2", last_hash: (await entries(db, 2n))[0]?.hash },
      { chain: "global", last_hash: (await entries(db, null))[0]?.hash },
    ]);
    // New writes continue the backfilled chain.
    await writeAudit(db, { actor: ACTOR, projectId: 1n, action: "api_key.list", result: "ok" });
    const after = await entries(db, 1n);
    expect(after.at(-1)?.prev_hash).toBe(project1[2]?.hash);
    expect((await verifyAuditChain(db, { projectId: 1n })).ok).toBe(true);
  });

  it("links each entry to the previous one of its own project; entries without a project form the global chain", async () => {
    for (const projectId of [10n, 11n, undefined, 10n, undefined, 11n, 10n]) {
      await writeAudit(db, {
        actor: ACTOR,
        projectId,
        action: "session.login",
        result: "ok",
        detail: { projectId: String(projectId) },
      });
    }
    for (const projectId of [10n, 11n, null]) {
      const chain = await entries(db, projectId);
      expect(chain.length).toBeGreaterThanOrEqual(2);
      chain.forEach((e, i) => {
        expect(e.prev_hash).toBe(i === 0 ? GENESIS_HASH : chain[i - 1]?.hash);
      });
    }
    expect((await entries(db, 10n)).length).toBe(3);
    const all = await verifyAuditChain(db);
    expect(all.ok).toBe(true);
    expect(all.chains).toBe(5);
    expect(all.checked).toBe(13);
  });

  it("seals what the entry says: actor lower-cased, the detail as stored, the time to the millisecond", async () => {
    const at = new Date("2031-02-03T04:05:06.789Z");
    await writeAudit(db, {
      actor: ACTOR,
      projectId: 12n,
      action: "webhook_endpoint.update",
      target: "ep_1",
      result: "ok",
      detail: { when: new Date(0), skipped: undefined, nested: { b: 1, a: [1, "x", null] } },
      requestId: "req-12",
      at,
    });
    const [row] = await entries(db, 12n);
    expect(row?.actor).toBe(ACTOR.toLowerCase());
    expect(new Date(row?.at as Date).toISOString()).toBe(at.toISOString());
    expect(row?.detail).toEqual({ when: "1970-01-01T00:00:00.000Z", nested: { a: [1, "x", null], b: 1 } });
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(db, { projectId: 12n })).toEqual({ ok: true, checked: 1, chains: 1 });
  });

  it("commits with the caller's transaction, and a rollback leaves the chain as it was", async () => {
    await fill(db, 13n, 2);
    await expect(
      db.transaction().execute(async (trx) => {
        await writeAudit(trx, { actor: ACTOR, projectId: 13n, action: "api_key.revoke", result: "ok" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect((await entries(db, 13n)).length).toBe(2);
    await db.transaction().execute(async (trx) => {
      await writeAudit(trx, { actor: ACTOR, projectId: 13n, action: "api_key.revoke", result: "ok" });
    });
    expect((await entries(db, 13n)).length).toBe(3);
    expect(await verifyAuditChain(db, { projectId: 13n })).toEqual({ ok: true, checked: 3, chains: 1 });
  });

  it("50 concurrent writers of one project, and of a new chain, never fork it", async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writeAudit(db, { actor: ACTOR, projectId: 14n, action: "record.open", target: `0x${i}`, result: "ok" }),
      ),
    );
    const chain = await entries(db, 14n);
    expect(chain.length).toBe(50);
    expect(new Set(chain.map((e) => e.prev_hash)).size).toBe(50);
    expect(await verifyAuditChain(db, { projectId: 14n })).toEqual({ ok: true, checked: 50, chains: 1 });
    // Writers inside their own transactions, interleaved with another project's.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await writeAudit(trx, { actor: ACTOR, projectId: i % 2 ? 14n : 15n, action: "api_key.list", result: "ok" });
        }),
      ),
    );
    expect((await verifyAuditChain(db, { projectId: 14n })).checked).toBe(60);
    expect((await verifyAuditChain(db, { projectId: 15n })).checked).toBe(10);
  });

  describe("tampering", () => {
    it("an edited detail breaks at that entry", async () => {
      const ids = await fill(db, 20n, 5);
      await sql`update audit_log set detail = '{"i": 2, "scopes": ["read", "webhooks:manage"]}'::jsonb where id = ${ids[2]}`.execute(
        db,
      );
      const result = await verifyAuditChain(db, { projectId: 20n });
      expect(result).toMatchObject({ ok: false, checked: 2, firstBreak: { id: ids[2], projectId: "20" } });
      expect(result.firstBreak?.reason).toMatch(/does not match its hash: the entry was edited/);
    });

    it("an edited actor, time or result breaks too; so does an edit whose hash was recomputed (at the next entry)", async () => {
      const ids = await fill(db, 21n, 4);
      for (const [column, value] of [
        ["actor", "0x0000000000000000000000000000000000000bad"],
        ["result", "denied"],
        ["at", "2000-01-01T00:00:00Z"],
      ] as const) {
        const [before] = (await sql<Record<string, unknown>>`select * from audit_log where id = ${ids[1]}`.execute(db))
          .rows;
        await sql`update audit_log set ${sql.ref(column)} = ${value} where id = ${ids[1]}`.execute(db);
        expect((await verifyAuditChain(db, { projectId: 21n })).firstBreak?.id).toBe(ids[1]);
        await sql`update audit_log set ${sql.ref(column)} = ${before?.[column]} where id = ${ids[1]}`.execute(db);
        expect((await verifyAuditChain(db, { projectId: 21n })).ok).toBe(true);
      }
      // The attacker also rewrites the entry's own hash: the next entry no longer links to it.
      await sql`update audit_log set result = 'denied', hash = ${"f".repeat(64)} where id = ${ids[1]}`.execute(db);
      const result = await verifyAuditChain(db, { projectId: 21n });
      expect(result.firstBreak?.id).toBe(ids[1]);
      await sql`update audit_log set hash = (select prev_hash from audit_log where id = ${ids[2]}) where id = ${ids[1]}`.execute(
        db,
      );
      await sql`update audit_log set result = 'ok' where id = ${ids[1]}`.execute(db);
      expect((await verifyAuditChain(db, { projectId: 21n })).ok).toBe(true);
    });

    it("a deleted entry in the middle breaks at the entry after it", async () => {
      const ids = await fill(db, 22n, 5);
      await sql`delete from audit_log where id = ${ids[2]}`.execute(db);
      const result = await verifyAuditChain(db, { projectId: 22n });
      expect(result).toMatchObject({ ok: false, checked: 2, firstBreak: { id: ids[3] } });
      expect(result.firstBreak?.reason).toMatch(
        new RegExp(`does not link to the entry before it \\(entry ${ids[1]}\\)`),
      );
    });

    it("reordered entries break at the first one moved", async () => {
      const ids = await fill(db, 23n, 5);
      // Swap everything but the ids of entries 1 and 2 (the walk goes by id).
      const columns = [
        "at",
        "actor",
        "action",
        "target",
        "result",
        "detail",
        "request_id",
        "prev_hash",
        "hash",
        "salt",
      ];
      const sets = columns.map((c) => `${c} = o.${c}`).join(", ");
      await sql
        .raw(
          `update audit_log a set ${sets} from audit_log o
           where (a.id, o.id) in ((${ids[1]}, ${ids[2]}), (${ids[2]}, ${ids[1]}))`,
        )
        .execute(db);
      const result = await verifyAuditChain(db, { projectId: 23n });
      expect(result.firstBreak?.id).toBe(ids[1]);
      expect(result.firstBreak?.reason).toMatch(/order was changed/);
    });

    it("deleting the newest entries shows at the chain's head", async () => {
      const ids = await fill(db, 24n, 4);
      await sql`delete from audit_log where id = ${ids[3]}`.execute(db);
      const result = await verifyAuditChain(db, { projectId: 24n });
      expect(result).toMatchObject({ ok: false, checked: 3, firstBreak: { id: ids[3] } });
      expect(result.firstBreak?.reason).toMatch(/newest entries were deleted/);
      await sql`delete from audit_heads where chain = '24'`.execute(db);
      expect((await verifyAuditChain(db, { projectId: 24n })).firstBreak?.reason).toMatch(/no head/);
    });

    it("an entry 'anonymized' by hand, without a retention run of its class, breaks", async () => {
      const ids = await fill(db, 25n, 3);
      const [row] = (await entries(db, 25n)).filter((e) => e.id === ids[1]);
      if (!row) throw new Error("no row");
      const digest = personalDigest({
        actor: row.actor,
        detail: row.detail,
        requestId: row.request_id,
        salt: row.salt,
      });
      await sql`update audit_log set actor = '', detail = '{}'::jsonb, request_id = null, salt = null,
        personal_digest = ${digest} where id = ${ids[1]}`.execute(db);
      const result = await verifyAuditChain(db, { projectId: 25n });
      expect(result.firstBreak?.id).toBe(ids[1]);
      expect(result.firstBreak?.reason).toMatch(/no retention run of its class reached it/);
    });

    it("verifying every chain reports the first break of the first broken chain", async () => {
      const result = await verifyAuditChain(db);
      expect(result.ok).toBe(false);
      expect(result.firstBreak?.projectId).toBe("20");
    });
  });
});
