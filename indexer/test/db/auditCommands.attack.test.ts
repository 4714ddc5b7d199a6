/**
 * The attacker's view: someone with write access to the database edits or removes audit entries
 * behind the API's back, and the operator's `npm run audit:verify` (run here as its own process,
 * through tsx, with the API's environment) exits 1 naming the entry.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
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
