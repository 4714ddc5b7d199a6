import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appliedMigrations, migrate } from "../../db/migrator.js";
import { type ApiDb, openApiDb } from "../../db/open.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createTestDatabase, type TestDatabase } from "../../harness/postgres.js";
import { API_TABLES } from "../support/apiTables.js";

async function tables(db: Kysely<ApiDatabase>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() order by table_name`.execute(db);
  return rows.map((r) => r.name).filter((n) => !n.startsWith("api_migrations"));
}

const ALL = API_TABLES;
const APPLIED = [
  "0001_auth",
  "0002_api_keys_audit",
  "0003_webhooks",
  "0004_budget_event_names",
  "0005_api_key_last_used",
  "0006_audit_chain",
  "0007_idempotency_keys",
  "0008_security_alerts",
  "0009_analytics",
  "0010_api_key_networks",
  "0011_audit_chain_key",
  "0012_chain_trail",
  "0013_audit_keying",
];

describe.each(["postgres", "pglite"] as const)("API migrations on %s", (kind) => {
  let store: ApiDb;
  let database: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (kind === "postgres") {
      database = await createTestDatabase("onekey_migrations");
      store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api_test" });
    } else {
      dir = mkdtempSync(join(tmpdir(), "onekey-api-pglite-"));
      store = openApiDb({ kind: "pglite", directory: dir });
    }
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("migrates up to the latest version in the API's own schema", async () => {
    await migrate(store.db, "latest");
    expect(await appliedMigrations(store.db)).toEqual(APPLIED);
    expect(await tables(store.db)).toEqual(ALL);
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    expect(rows[0]?.schema).toBe(kind === "postgres" ? "onekey_api_test" : "onekey_api");
  });

  it("is idempotent: running latest again applies nothing", async () => {
    const result = await migrate(store.db, "latest");
    expect(result.results).toEqual([]);
  });

  it("renames the budget's events in subscriptions and stored events, and back on the way down", async () => {
    const names = async () => ({
      subscribed: (await store.db.selectFrom("webhook_endpoints").select("event_types").executeTakeFirstOrThrow())
        .event_types,
      stored: (await store.db.selectFrom("webhook_events").select("type").orderBy("id").execute()).map((e) => e.type),
    });
    await migrate(store.db, { to: "0003_webhooks" });
    await store.db
      .insertInto("webhook_endpoints")
      .values({
        id: "ep_renamed0000",
        project_id: "1",
        url: "https://hooks.example.com/x",
        event_types: ["sponsorship.funded", "consent.granted", "sponsorship.operation"],
        rate_limit_per_second: 1,
        secret_ciphertext: "v1.x.y",
      })
      .execute();
    for (const [id, type] of [
      ["evt_1", "sponsorship.withdrawn"],
      ["evt_2", "sponsorship.policy_set"],
      ["evt_3", "consent.granted"],
    ] as const) {
      await store.db
        .insertInto("webhook_events")
        .values({ id, source_id: id, type, project_ids: ["1"], chain_id: 1, data: "{}", state: "final" })
        .execute();
    }
    await migrate(store.db, "latest");
    expect(await names()).toEqual({
      subscribed: ["budget.funded", "consent.granted", "operation.sponsored"],
      stored: ["budget.withdrawn", "budget.policy_set", "consent.granted"],
    });
    // Back to before the rename (0005 is reverted on the way).
    await migrate(store.db, { to: "0003_webhooks" });
    expect(await names()).toEqual({
      subscribed: ["sponsorship.funded", "consent.granted", "sponsorship.operation"],
      stored: ["sponsorship.withdrawn", "sponsorship.policy_set", "consent.granted"],
    });
    await migrate(store.db, "latest");
  });

  it("rolls back one step at a time, keeping the earlier migrations' tables and data", async () => {
    await store.db
      .insertInto("siwe_nonces")
      .values({ nonce: "kept", expires_at: new Date(Date.now() + 60_000) })
      .execute();
    const columns = async () =>
      (
        await sql<{ name: string }>`
          select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = 'api_keys'`.execute(store.db)
      ).rows.map((r) => r.name);
    expect(await columns()).toContain("last_used_at");
    // From 0005 down: the later migrations only add tables of their own.
    await migrate(store.db, { to: "0005_api_key_last_used" });
    const steps = [];
    for (let i = 0; i < 3; i++) {
      for (const r of (await migrate(store.db, "down")).results ?? [])
        steps.push([r.migrationName, r.direction, r.status]);
      if (i === 0) expect(await columns()).not.toContain("last_used_at");
    }
    expect(steps).toEqual([
      ["0005_api_key_last_used", "Down", "Success"],
      ["0004_budget_event_names", "Down", "Success"],
      ["0003_webhooks", "Down", "Success"],
    ]);
    expect(await tables(store.db)).toEqual(["api_keys", "audit_log", "sessions", "siwe_nonces"]);
    const kept = await store.db.selectFrom("siwe_nonces").select("nonce").execute();
    expect(kept).toEqual([{ nonce: "kept" }]);
  });

  it("rolls back everything and re-applies cleanly", async () => {
    await migrate(store.db, "reset");
    expect(await appliedMigrations(store.db)).toEqual([]);
    expect(await tables(store.db)).toEqual([]);
    await migrate(store.db, { to: "0001_auth" });
    expect(await tables(store.db)).toEqual(["sessions", "siwe_nonces"]);
    await migrate(store.db, "latest");
    expect(await tables(store.db)).toEqual(ALL);
  });

  it("rejects an unknown target migration without changing anything", async () => {
    await expect(migrate(store.db, { to: "0099_missing" })).rejects.toThrow(/0099_missing/);
    expect(await appliedMigrations(store.db)).toEqual(APPLIED);
  });

  it("refuses to run code older than the database (a newer migration is applied)", async () => {
    await sql`insert into api_migrations (name, timestamp) values ('0099_from_a_newer_version', ${new Date().toISOString()})`.execute(
      store.db,
    );
    await expect(migrate(store.db, "latest")).rejects.toThrow(/0099_from_a_newer_version/);
    await sql`delete from api_migrations where name = '0099_from_a_newer_version'`.execute(store.db);
    expect(await appliedMigrations(store.db)).toEqual(APPLIED);
  });

  it("serialises concurrent queries around a transaction (no query runs inside another's transaction)", async () => {
    const insideTransaction = store.db.transaction().execute(async (trx) => {
      await trx.insertInto("siwe_nonces").values({ nonce: "rolled-back", expires_at: new Date() }).execute();
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("abort");
    });
    const outside = store.db.insertInto("siwe_nonces").values({ nonce: "outside", expires_at: new Date() }).execute();
    await expect(insideTransaction).rejects.toThrow("abort");
    await outside;
    const nonces = await store.db.selectFrom("siwe_nonces").select("nonce").orderBy("nonce").execute();
    expect(nonces.map((n) => n.nonce)).toEqual(["outside"]);
  });
});
