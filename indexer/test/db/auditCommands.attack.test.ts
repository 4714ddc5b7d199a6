/**
 * The attacker's view: someone with write access to the database edits or removes audit entries
 * behind the API's back, and the operator's `npm run audit:verify` (run here as its own process,
 * through tsx, with the API's environment) exits 1 naming the entry. With the chain keyed (format
 * v2), recomputing the hashes after an edit does not help the attacker either.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
import { entryHash, storedPersonal } from "../../db/auditHash.js";
import { readAuditChainKeys } from "../../db/auditKeys.js";
import { migrate } from "../../db/migrator.js";
import { openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const indexerRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@onekey/source", "--import", "tsx", join("scripts", script), ...args],
      { cwd: indexerRoot, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What the commands need to reach the test database, as the API reads it. */
const apiEnv = (t: TestApiDb): Record<string, string> => ({
  ONEKEY_NETWORK: "local",
  ONEKEY_INDEXER_DATABASE_URL: t.url as string,
  ONEKEY_API_SCHEMA: t.schema,
  ONEKEY_API_MIGRATE_ON_START: "false",
});

/** The attacker: a plain database connection, behind the API's back. */
async function attackerOn(t: TestApiDb): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.url, options: `-c search_path=${t.schema}` });
  await client.connect();
  return client;
}

describe("audit commands against a tampered database (PostgreSQL)", () => {
  let t: TestApiDb;
  let env: Record<string, string>;
  let attacker: pg.Client;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await openTestApiDb("postgres", "onekey_audit_attack");
    await migrate(t.store.db, "latest");
    for (let i = 0; i < 5; i++) {
      await writeAudit(t.store.db, {
        actor: "0x00000000000000000000000000000000000000a1",
        projectId: 3n,
        action: "record.open",
        target: `0x${String(i).padStart(40, "0")}`,
        result: "ok",
        detail: { uid: `0x${i}` },
        requestId: `req-${i}`,
      });
    }
    await writeAudit(t.store.db, {
      actor: "0x00000000000000000000000000000000000000b2",
      action: "session.login",
      result: "ok",
    });
    const rows = await t.store.db
      .selectFrom("audit_log")
      .select("id")
      .where("project_id", "=", "3")
      .orderBy("id")
      .execute();
    ids.push(...rows.map((r) => String(r.id)));
    env = apiEnv(t);
    attacker = await attackerOn(t);
  });
  afterAll(async () => {
    await attacker?.end();
    await t?.close();
  });

  it("an untouched log verifies: exit 0", async () => {
    const result = await run("audit-verify.ts", env);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("audit chain ok: 6 entries in 2 chain(s)");
    expect(result.code).toBe(0);
  });

  it("a reader's record opening rewritten to another subject: exit 1 naming the entry", async () => {
    await attacker.query("update audit_log set target = $1 where id = $2", [`0x${"f".repeat(40)}`, ids[2]]);
    const result = await run("audit-verify.ts", env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`audit chain BROKEN at entry id ${ids[2]} in project 3`);
    expect(result.stdout).toContain("the entry was edited");
    // One project's chain alone, and the global chain alone (untouched).
    expect((await run("audit-verify.ts", env, ["--project", "3"])).code).toBe(1);
    expect((await run("audit-verify.ts", env, ["--global"])).code).toBe(0);
  });

  it("the opening deleted instead, hash of the neighbour patched to hide it: exit 1 all the same", async () => {
    await attacker.query("delete from audit_log where id = $1", [ids[2]]);
    // Re-link the next entry to the one before the gap: its own hash no longer matches.
    await attacker.query("update audit_log set prev_hash = (select hash from audit_log where id = $1) where id = $2", [
      ids[1],
      ids[3],
    ]);
    const result = await run("audit-verify.ts", env, ["--project", "3"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`at entry id ${ids[3]} in project 3`);
  });

  it("a retention run leaves the broken chain alone and says so (exit 1); bad settings stop it (exit 2)", async () => {
    const refused = await run("audit-retention.ts", { ...env, ONEKEY_AUDIT_RETENTION_SESSION_DAYS: "zero" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Invalid audit retention environment: ONEKEY_AUDIT_RETENTION_SESSION_DAYS must be a whole number of days (got "zero")',
    );
    // An opening old enough to expire under a 1-day policy, in the broken chain.
    await writeAudit(t.store.db, {
      actor: "0x00000000000000000000000000000000000000a1",
      projectId: 3n,
      action: "record.open",
      result: "ok",
      at: new Date(Date.now() - 10 * 86_400_000),
    });
    const before = await attacker.query("select count(*)::int as n from audit_log where project_id = 3");
    const result = await run("audit-retention.ts", { ...env, ONEKEY_AUDIT_RETENTION_RECORD_OPEN_DAYS: "1" });
    expect(result.stdout).toContain("record_open: 1 days");
    expect(result.stdout).toContain(`SKIPPED project 3: broken at entry id ${ids[3]}`);
    expect(result.code).toBe(1);
    const after = await attacker.query("select count(*)::int as n from audit_log where project_id = 3");
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const bad = await run("audit-verify.ts", env, ["--project", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown arguments");
  });
});

describe("a purge forged with a checkpoint (PostgreSQL)", () => {
  let t: TestApiDb;
  let attacker: pg.Client;

  beforeAll(async () => {
    t = await openTestApiDb("postgres", "onekey_audit_forge");
    await migrate(t.store.db, "latest");
    for (let i = 0; i < 6; i++) {
      await writeAudit(t.store.db, {
        actor: "0x00000000000000000000000000000000000000a1",
        projectId: 4n,
        action: "record.open",
        target: `0x${String(i).padStart(40, "0")}`,
        result: "ok",
      });
    }
    attacker = await attackerOn(t);
  });
  afterAll(async () => {
    await attacker?.end();
    await t?.close();
  });

  it("entries deleted and bridged by a checkpoint no retention run sealed: exit 1 naming the checkpoint", async () => {
    const env = apiEnv(t);
    expect((await run("audit-verify.ts", env, ["--project", "4"])).code).toBe(0);
    // The cheap forgery: no hash recomputed, only rows read, deleted and one inserted.
    const { rows } = await attacker.query<{ id: string; prev_hash: string; hash: string }>(
      "select id::text, prev_hash, hash from audit_log where project_id = 4 order by id",
    );
    const [first, , , last] = [rows[1], rows[2], rows[3], rows[3]];
    await attacker.query("delete from audit_log where id between $1 and $2", [first?.id, last?.id]);
    await attacker.query(
      `insert into audit_checkpoints (run_id, project_id, first_id, last_id, prev_hash, last_hash, rows_purged, created_at)
       values ('forged-run', 4, $1, $2, $3, $4, 3, now())`,
      [first?.id, last?.id, first?.prev_hash, last?.hash],
    );
    const result = await run("audit-verify.ts", env, ["--project", "4"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`at entry id ${first?.id} in project 4`);
    expect(result.stdout).toContain("retention run forged-run is not what that run sealed");
  });
});

describe("a keyed chain (format v2) rewritten without the key (PostgreSQL)", () => {
  let t: TestApiDb;
  let attacker: pg.Client;
  // Placeholders for the test only; a real key comes from a secret store.
  const K1 = "a1".repeat(32);
  const K2 = Buffer.alloc(32, 7).toString("base64");
  const keyEnv = {
    ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ "2026-11": K1, "2026-12": K2 }),
    ONEKEY_AUDIT_CHAIN_KEY_ID: "2026-12",
  };

  beforeAll(async () => {
    t = await openTestApiDb("postgres", "onekey_audit_keyed_attack");
    await migrate(t.store.db, "latest");
    const ring = readAuditChainKeys(keyEnv);
    const old = readAuditChainKeys({ ...keyEnv, ONEKEY_AUDIT_CHAIN_KEY_ID: "2026-11" });
    for (let i = 0; i < 4; i++) {
      await writeAudit(
        t.store.db,
        { actor: "0x00000000000000000000000000000000000000a1", projectId: 5n, action: "record.open", result: "ok" },
        i < 2 ? old : ring,
      );
    }
    attacker = await attackerOn(t);
  });
  afterAll(async () => {
    await attacker?.end();
    await t?.close();
  });

  it("verifies with both keys; an entry edited and the chain recomputed with sha256 exits 1 at that entry; a key missing exits 2", async () => {
    const env = { ...apiEnv(t), ...keyEnv };
    const ok = await run("audit-verify.ts", env);
    expect(ok.stdout).toContain("audit chain ok: 4 entries in 1 chain(s)");
    expect(ok.code).toBe(0);

    // Without the older key the first entries cannot be checked: said so, and not called tampering.
    const missing = await run("audit-verify.ts", {
      ...env,
      ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ "2026-12": K2 }),
    });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("CANNOT VERIFY entry id");
    expect(missing.stdout).toContain("cannot verify: key 2026-11 not configured");
    expect(missing.stdout).toContain("configured keys: 2026-12");
    expect(missing.stdout).not.toContain("BROKEN");

    // The attacker edits entry 3 and recomputes it and the rest as v1 (all it can compute), head too.
    const { rows } = await attacker.query<{ id: string }>(
      "select id::text from audit_log where project_id = 5 order by id",
    );
    const store = t.store.db;
    const before = await store
      .selectFrom("audit_log")
      .selectAll()
      .where("id", "=", rows[1]?.id as string)
      .executeTakeFirstOrThrow();
    let prev = before.hash;
    for (const { id } of rows.slice(2)) {
      const row = await store.selectFrom("audit_log").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const result = id === rows[2]?.id ? "denied" : row.result;
      const hash = entryHash({
        prevHash: prev,
        at: new Date(row.at),
        projectId: "5",
        action: row.action,
        target: row.target,
        result,
        personal: storedPersonal({ ...row, detail: row.detail }),
      });
      await attacker.query("update audit_log set result = $1, prev_hash = $2, hash = $3, key_id = null where id = $4", [
        result,
        prev,
        hash,
        id,
      ]);
      prev = hash;
    }
    await attacker.query("update audit_heads set last_hash = $1 where chain = '5'", [prev]);
    const broken = await run("audit-verify.ts", env, ["--project", "5"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit chain BROKEN at entry id ${rows[2]?.id} in project 5`);
    expect(broken.stdout).toContain("unkeyed (format v1) entry after keyed entries");
    for (const out of [ok, missing, broken]) {
      for (const secret of [K1, K2]) expect(`${out.stdout}${out.stderr}`).not.toContain(secret);
    }
  });

  it("a bad key setting stops the verifier by name without printing the key (exit 2)", async () => {
    const short = "b2".repeat(20);
    const result = await run("audit-verify.ts", {
      ...apiEnv(t),
      ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k: short }),
      ONEKEY_AUDIT_CHAIN_KEY_ID: "k",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ONEKEY_AUDIT_CHAIN_KEYS key "k" must be at least 32 bytes');
    expect(result.stderr).not.toContain(short);
  });
});
