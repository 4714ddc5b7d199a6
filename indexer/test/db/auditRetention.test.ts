import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
import {
  DEFAULT_RETENTION_DAYS,
  parseRetentionPolicy,
  type RetentionPolicy,
  readRetentionPolicy,
  retentionClassOf,
} from "../../db/auditClasses.js";
import { RETENTION_SEAL_ACTION } from "../../db/auditHash.js";
import { runRetention } from "../../db/auditRetention.js";
import { verifyAuditChain } from "../../db/auditVerify.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const DAY = 86_400_000;
// The clock these tests control: every entry and every run is dated against it.
const NOW = new Date("2030-06-01T00:00:00.000Z");
const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY);
const ACTOR = "0x00000000000000000000000000000000000000a1";

/** A chain's entries, without the seals retention runs write into it (see `seals`). */
async function chain(db: Kysely<ApiDatabase>, projectId: bigint | null) {
  let query = db.selectFrom("audit_log").selectAll().where("action", "<>", RETENTION_SEAL_ACTION).orderBy("id");
  query =
    projectId === null ? query.where("project_id", "is", null) : query.where("project_id", "=", String(projectId));
  return (await query.execute()).map((r) => ({ ...r, id: String(r.id) }));
}

describe("retention classes and their configuration", () => {
  it("sorts actions into classes by prefix", () => {
    expect(
      ["session.login", "session.logout", "api_key.rotate", "webhook_endpoint.create", "webhook_delivery.replay"].map(
        retentionClassOf,
      ),
    ).toEqual(["session", "session", "api_key", "webhook", "webhook"]);
    expect(["record.open", "audit_log.read", "audit.retention", "sessions.x"].map(retentionClassOf)).toEqual([
      "record_open",
      "default",
      "default",
      "default",
    ]);
    // An operator's data-subject lookup is an access to personal data; the other operator calls are not.
    expect(
      ["operator.subject.read", "operator.subject.provider_deletion", "operator.organizations.read"].map(
        retentionClassOf,
      ),
    ).toEqual(["record_open", "record_open", "default"]);
  });

  it("reads the days from the environment, defaults where unset or empty", () => {
    expect(readRetentionPolicy({})).toEqual(DEFAULT_RETENTION_DAYS);
    expect(
      readRetentionPolicy({ ONEKEY_AUDIT_RETENTION_SESSION_DAYS: "30", ONEKEY_AUDIT_RETENTION_RECORD_OPEN_DAYS: "" }),
    ).toEqual({ ...DEFAULT_RETENTION_DAYS, session: 30 });
  });

  it("refuses a bad value, naming the variable, what is wrong and what it got", () => {
    expect(() => readRetentionPolicy({ ONEKEY_AUDIT_RETENTION_SESSION_DAYS: "0" })).toThrow(
      'Invalid audit retention environment: ONEKEY_AUDIT_RETENTION_SESSION_DAYS must be at least 1 day (got "0")',
    );
    expect(() =>
      readRetentionPolicy({
        ONEKEY_AUDIT_RETENTION_API_KEY_DAYS: "ninety",
        ONEKEY_AUDIT_RETENTION_DEFAULT_DAYS: "1e3",
      }),
    ).toThrow(
      'ONEKEY_AUDIT_RETENTION_API_KEY_DAYS must be a whole number of days (got "ninety"); ONEKEY_AUDIT_RETENTION_DEFAULT_DAYS must be a whole number of days (got "1e3")',
    );
    expect(() => readRetentionPolicy({ ONEKEY_AUDIT_RETENTION_WEBHOOK_DAYS: "99999999" })).toThrow(
      /ONEKEY_AUDIT_RETENTION_WEBHOOK_DAYS must be at most 36500 days/,
    );
    expect(() => parseRetentionPolicy({ ...DEFAULT_RETENTION_DAYS, session: 1.5 })).toThrow(
      "Invalid audit retention policy: session must be a whole number of days",
    );
    expect(() => parseRetentionPolicy({ session: 90 })).toThrow(/api_key must be a whole number of days/);
    expect(() => parseRetentionPolicy({ ...DEFAULT_RETENTION_DAYS, sessions: 90 })).toThrow(/sessions/);
  });
});

describe.each(["postgres", "pglite"] as DbKind[])("audit retention on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  const write = (projectId: bigint | undefined, action: string, daysAgo: number, now = NOW) =>
    writeAudit(db, {
      actor: ACTOR,
      projectId,
      action,
      target: `${action}-target`,
      result: "ok",
      detail: { daysAgo },
      requestId: `req-${action}-${daysAgo}`,
      at: daysBefore(now, daysAgo),
    });

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_audit_retention");
    db = t.store.db;
    await migrate(db, "latest");
    // Project 7, in id order: runs of expiring entries between entries that stay.
    await write(7n, "session.login", 200); // deleted (90 days)
    await write(7n, "session.login", 150); // deleted
    await write(7n, "record.open", 150); // kept (1825 days)
    await write(7n, "session.logout", 100); // deleted
    await write(7n, "api_key.create", 500); // anonymized (400 days)
    await write(7n, "webhook_endpoint.create", 370); // deleted (365 days)
    await write(7n, "session.login", 10); // kept
    await write(7n, "audit_log.read", 30); // kept (365 days)
    // The global chain (sign-ins before a project is known).
    await write(undefined, "session.login", 100); // deleted
    await write(undefined, "session.login", 5); // kept
    // Project 8: every entry expires, its newest included.
    await write(8n, "session.login", 100);
    await write(8n, "session.login", 95);
    // Project 9: nothing old.
    await write(9n, "session.login", 1);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("deletes and anonymizes only the expired classes, with checkpoints and receipts, and every chain still verifies", async () => {
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const before7 = await chain(db, 7n);
    const result = await runRetention(db, { now: NOW, policy: DEFAULT_RETENTION_DAYS });

    expect(result.deleted).toEqual({ session: 6, api_key: 0, webhook: 1, record_open: 0, default: 0 });
    expect(result.anonymized).toEqual({ session: 0, api_key: 1, webhook: 0, record_open: 0, default: 0 });
    expect(result.skipped).toEqual([]);
    // Project 7: [1, 2], [4] and [6]; the global chain: [1]; project 8: [1, 2].
    expect(result.checkpoints).toBe(5);
    expect(result.cutoffs.session.toISOString()).toBe(daysBefore(NOW, 90).toISOString());

    const after7 = await chain(db, 7n);
    expect(after7.map((e) => e.action)).toEqual(["record.open", "api_key.create", "session.login", "audit_log.read"]);
    const anonymized = after7[1];
    expect(anonymized).toMatchObject({
      actor: "",
      detail: {},
      request_id: null,
      salt: null,
      target: "api_key.create-target",
      result: "ok",
    });
    expect(anonymized?.personal_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(anonymized?.hash).toBe(before7[4]?.hash);
    expect(new Date(anonymized?.redacted_at as Date).toISOString()).toBe(NOW.toISOString());

    const checkpoints = await db
      .selectFrom("audit_checkpoints")
      .selectAll()
      .where("project_id", "=", "7")
      .orderBy("first_id")
      .execute();
    expect(checkpoints.map((c) => [String(c.first_id), String(c.last_id), c.rows_purged])).toEqual([
      [before7[0]?.id, before7[1]?.id, 2],
      [before7[3]?.id, before7[3]?.id, 1],
      [before7[5]?.id, before7[5]?.id, 1],
    ]);
    expect(checkpoints[0]?.prev_hash).toBe(before7[0]?.prev_hash);
    expect(checkpoints[0]?.last_hash).toBe(before7[1]?.hash);
    expect(checkpoints.every((c) => c.run_id === result.runId)).toBe(true);

    const receipts = await db
      .selectFrom("audit_retention_receipts")
      .selectAll()
      .orderBy("project_id")
      .orderBy("class")
      .execute();
    expect(
      receipts.map((r) => [
        r.project_id === null ? null : String(r.project_id),
        r.class,
        r.mode,
        r.days,
        r.rows_deleted,
        r.rows_anonymized,
      ]),
    ).toEqual([
      ["7", "api_key", "anonymize", 400, 0, 1],
      ["7", "session", "delete", 90, 2 + 1, 0],
      ["7", "webhook", "delete", 365, 1, 0],
      ["8", "session", "delete", 90, 2, 0],
      [null, "session", "delete", 90, 1, 0],
    ]);
    expect(receipts.every((r) => r.run_id === result.runId && new Date(r.ran_at).getTime() === NOW.getTime())).toBe(
      true,
    );
    expect(new Date(receipts[1]?.cutoff as Date).toISOString()).toBe(daysBefore(NOW, 90).toISOString());

    // Project 8 lost every entry; its checkpoint leads to its head, and the next entry follows on.
    expect(await chain(db, 8n)).toEqual([]);
    // What is left of it is the run's seal, which vouches for its checkpoints.
    const seals = await db.selectFrom("audit_log").selectAll().where("action", "=", RETENTION_SEAL_ACTION).execute();
    expect(seals.map((e) => (e.project_id === null ? null : String(e.project_id))).sort()).toEqual(
      ["7", "8", null].sort(),
    );
    expect(seals.every((e) => (e.detail as { runId: string }).runId === result.runId)).toBe(true);
    expect(await verifyAuditChain(db, { projectId: 8n })).toEqual({ ok: true, checked: 1, chains: 1 });
    await write(8n, "api_key.create", 0);
    expect(await verifyAuditChain(db, { projectId: 8n })).toEqual({ ok: true, checked: 2, chains: 1 });

    // The run is itself an entry of the global chain.
    const global = await chain(db, null);
    expect(global.map((e) => e.action)).toEqual(["session.login", "audit.retention"]);
    expect(global[1]?.detail).toMatchObject({ runId: result.runId, deleted: 7, anonymized: 1, checkpoints: 5 });
    // Entries left (4 + 1 + 1 + 2) and the seals of the three chains the run purged.
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 4 + 1 + 1 + 2 + 3, chains: 4 });
  });

  it("a second run later crosses the first run's checkpoints and adds its own; running again changes nothing", async () => {
    const later = new Date(NOW.getTime() + 100 * DAY);
    const result = await runRetention(db, { now: later, policy: DEFAULT_RETENTION_DAYS });
    // Project 7's sign-in of day -10 (now 110 days old), project 9's and the global one (day -5).
    expect(result.deleted.session).toBe(3);
    expect(result.anonymized.api_key).toBe(0);
    expect((await chain(db, 7n)).map((e) => e.action)).toEqual(["record.open", "api_key.create", "audit_log.read"]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const again = await runRetention(db, { now: later, policy: DEFAULT_RETENTION_DAYS });
    expect(again.checkpoints).toBe(0);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("a shorter configured period deletes sooner", async () => {
    const policy: RetentionPolicy = { ...DEFAULT_RETENTION_DAYS, record_open: 30 };
    const result = await runRetention(db, { now: NOW, policy });
    expect(result.deleted.record_open).toBe(1);
    expect((await chain(db, 7n)).map((e) => e.action)).toEqual(["api_key.create", "audit_log.read"]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("after a purge, tampering is still caught; a broken chain is left untouched by the next run", async () => {
    const project7 = await chain(db, 7n);
    const kept = project7.at(-1);
    await sql`update audit_log set detail = '{"daysAgo": 1}'::jsonb where id = ${kept?.id}`.execute(db);
    const broken = await verifyAuditChain(db, { projectId: 7n });
    expect(broken.firstBreak).toMatchObject({ id: kept?.id, projectId: "7" });

    const result = await runRetention(db, {
      now: new Date(NOW.getTime() + 1000 * DAY),
      policy: DEFAULT_RETENTION_DAYS,
    });
    expect(result.skipped).toEqual([broken.firstBreak]);
    expect(await chain(db, 7n)).toHaveLength(project7.length);
    const runEntry = (await chain(db, null)).at(-1);
    expect(runEntry).toMatchObject({ action: "audit.retention", result: "failed" });
    expect(runEntry?.detail).toMatchObject({ skipped: [{ projectId: "7", id: kept?.id }] });
  });

  it("deleting an entry that survived a purge breaks at the checkpoint after it", async () => {
    await write(30n, "session.login", 200);
    await write(30n, "record.open", 200);
    await write(30n, "session.login", 200);
    await write(30n, "session.login", 1);
    await runRetention(db, { now: NOW, policy: DEFAULT_RETENTION_DAYS });
    const [survivor, last] = await chain(db, 30n);
    expect(survivor?.action).toBe("record.open");
    await sql`delete from audit_log where id = ${survivor?.id}`.execute(db);
    const result = await verifyAuditChain(db, { projectId: 30n });
    expect(result.ok).toBe(false);
    expect(result.firstBreak?.reason).toMatch(/checkpoint \d+ .* does not follow/);
    expect(BigInt(result.firstBreak?.id ?? 0)).toBeLessThan(BigInt(last?.id ?? 0));
  });

  it("refuses a bad policy before touching anything", async () => {
    const count = async () => (await db.selectFrom("audit_log").select(db.fn.countAll().as("n")).executeTakeFirst())?.n;
    const before = await count();
    await expect(runRetention(db, { now: NOW, policy: { ...DEFAULT_RETENTION_DAYS, session: -5 } })).rejects.toThrow(
      "Invalid audit retention policy: session must be at least 1 day",
    );
    await expect(runRetention(db, { now: new Date("not a date"), policy: DEFAULT_RETENTION_DAYS })).rejects.toThrow(
      /now must be a valid Date/,
    );
    expect(await count()).toEqual(before);
  });
});
