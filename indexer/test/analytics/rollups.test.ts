/**
 * The rollup store on PostgreSQL and PGlite: streamed counts add up (two recorders, hours into
 * days, histograms bucket by bucket), the rebuild replaces derived rows from their sources (twice
 * gives the same numbers, a source row gone after a re-index is gone from the rollups, streamed
 * rows are untouched), and the family reads price costs and summarise the verify flow.
 */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { readAnalyticsConfig, readRebuildConfig } from "../../analytics/config.js";
import { bucketOf, HISTOGRAM_SIZE, quantile } from "../../analytics/histogram.js";
import { readAcrossProjects, readFamily } from "../../analytics/query.js";
import { openIssuerSource, rebuildAnalytics } from "../../analytics/rebuild.js";
import { RollupRecorder } from "../../analytics/recorder.js";
import { writeAudit } from "../../db/audit.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
// A fixed day, so buckets are known: 2030-06-01 00:00 UTC.
const T0 = Date.UTC(2030, 5, 1);
const range = { from: new Date(T0), to: new Date(T0 + DAY) };
const config = readAnalyticsConfig({
  ONEKEY_ANALYTICS_ETH_PRICE: "2000",
  ONEKEY_ANALYTICS_PROVIDER_FEES: '{"sandbox":0.5}',
});

/** Every rollup row, comparable across runs. */
async function snapshot(db: Kysely<ApiDatabase>) {
  const rows = await db
    .selectFrom("analytics_rollups")
    .selectAll()
    .orderBy(["project_id", "metric", "dimension", "granularity", "bucket_start"])
    .execute();
  return rows.map((r) => ({
    ...r,
    project_id: String(r.project_id),
    value: String(r.value),
    bucket_start: new Date(r.bucket_start).toISOString(),
    histogram: r.histogram?.map(Number) ?? null,
  }));
}

describe("latency histogram and configuration", () => {
  it("buckets like width_bucket and interpolates quantiles inside a bucket", () => {
    expect([0, 0.9, 1, 4.9, 5, 3_600_000, 9e9].map(bucketOf)).toEqual([0, 0, 1, 2, 3, 20, 20]);
    const h = new Array(HISTOGRAM_SIZE).fill(0);
    h[bucketOf(15)] = 100; // 100 observations in [10, 20)
    expect(quantile(h, 0.5)).toBe(15);
    expect(quantile(h, 0.99)).toBeCloseTo(19.9);
    expect(quantile(new Array(HISTOGRAM_SIZE).fill(0), 0.5)).toBeNull();
  });

  it("refuses a bad price list, naming the variable", () => {
    expect(() => readAnalyticsConfig({ ONEKEY_ANALYTICS_PROVIDER_FEES: '{"sandbox":-1}' })).toThrow(
      /ONEKEY_ANALYTICS_PROVIDER_FEES must be JSON/,
    );
    expect(() => readAnalyticsConfig({ ONEKEY_ANALYTICS_ETH_PRICE: "free" })).toThrow(/ONEKEY_ANALYTICS_ETH_PRICE/);
    // A bad database URL is named, never echoed (it may hold a password).
    const bad = () => readRebuildConfig({ ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: "postgres//user:hunter2@db" });
    expect(bad).toThrow(/ONEKEY_ANALYTICS_ISSUER_DATABASE_URL/);
    expect(bad).not.toThrow(/hunter2/);
    expect(readRebuildConfig({})).toEqual({
      everySeconds: 300,
      days: 2,
      issuerSchema: "onekey_issuer",
      viewsSchema: "onekey",
    });
  });
});

describe.each(["postgres", "pglite"] as DbKind[])("analytics rollups on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_analytics");
    db = t.store.db;
    await migrate(db, "latest");
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await db.deleteFrom("analytics_rollups").execute();
  });

  it("adds streamed counts and latencies from two recorders into hour and day rows", async () => {
    const a = new RollupRecorder(db);
    const b = new RollupRecorder(db);
    for (let i = 0; i < 10; i++) a.count(7n, "api.calls", "GET /v1/project 200", T0 + 10 * 60_000);
    b.count(7n, "api.calls", "GET /v1/project 200", T0 + 20 * 60_000, 5);
    b.count(7n, "api.calls", "GET /v1/project 200", T0 + 2 * HOUR);
    a.observe(7n, "api.latency", "GET /v1/project", T0, 3);
    b.observe(7n, "api.latency", "GET /v1/project", T0 + HOUR, 150);
    b.count(8n, "api.calls", "GET /v1/project 401", T0);
    await Promise.all([a.flush(), b.flush()]);
    await a.flush(); // nothing buffered any more: adds nothing

    const usage = await readFamily(db, config, { projectId: 7n, family: "usage", granularity: "hour", ...range });
    expect(usage.series).toEqual([
      {
        metric: "api.calls",
        dimension: "GET /v1/project 200",
        unit: "count",
        total: "16",
        points: [
          { start: new Date(T0).toISOString(), value: "15" },
          { start: new Date(T0 + 2 * HOUR).toISOString(), value: "1" },
        ],
      },
    ]);
    const perf = await readFamily(db, config, { projectId: 7n, family: "performance", granularity: "day", ...range });
    const latency = perf.series.find((s) => s.metric === "api.latency");
    expect(latency?.total).toBe("2");
    expect(latency?.points).toHaveLength(1); // two hours merged into the day
    expect(latency?.p50).toBeGreaterThanOrEqual(2);
    expect(latency?.p50).toBeLessThanOrEqual(5);
    expect(latency?.p99).toBeGreaterThanOrEqual(100);
    expect(latency?.p99).toBeLessThan(200);
    // Another project's rows are not in this project's answer.
    expect(JSON.stringify(usage)).not.toContain("401");
  });

  it("refuses to stream a derived metric (a rebuild would erase it)", () => {
    expect(() => new RollupRecorder(db).count(1n, "attestations", "", T0)).toThrow(/derived/);
  });

  it("rebuilds webhook and trail figures from their sources: twice is the same, removed sources are gone, streamed rows stay", async () => {
    await db
      .insertInto("webhook_endpoints")
      .values({
        id: "ep1",
        project_id: "7",
        url: "https://example.test/h",
        event_types: [],
        rate_limit_per_second: 10,
        secret_ciphertext: "x",
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db.deleteFrom("webhook_deliveries").execute();
    await db.deleteFrom("webhook_events").execute();
    const blockSeconds = T0 / 1000 + 3600; // 01:00
    for (const [id, status, deliveredAfterMs] of [
      ["d1", "delivered", 800],
      ["d2", "delivered", 1_500],
      ["d3", "failed", null],
    ] as const) {
      await db
        .insertInto("webhook_events")
        .values({
          id: `evt_${id}`,
          source_id: id,
          type: "consent.granted",
          project_ids: ["7"],
          chain_id: 31337,
          block_timestamp: String(blockSeconds),
          data: "{}",
          state: "ingested",
        })
        .execute();
      await db
        .insertInto("webhook_deliveries")
        .values({
          id,
          event_id: `evt_${id}`,
          endpoint_id: "ep1",
          project_id: "7",
          status,
          created_at: new Date(blockSeconds * 1000),
          delivered_at: deliveredAfterMs === null ? null : new Date(blockSeconds * 1000 + deliveredAfterMs),
        })
        .execute();
    }
    for (const [actor, result] of [
      ["0xAA00000000000000000000000000000000000001", "ok"],
      ["0xaa00000000000000000000000000000000000001", "ok"],
      ["0xbb00000000000000000000000000000000000002", "denied"],
    ] as const) {
      await writeAudit(db, { actor, projectId: 7n, action: "record.open", result });
    }
    // The trail's entries are dated now (writeAudit takes no clock): rebuild from today to T0's day.
    const today = { from: new Date(Date.now() - DAY), to: new Date(T0 + DAY) };
    const streamed = new RollupRecorder(db);
    streamed.count(7n, "api.calls", "GET /v1/project 200", T0, 3);
    await streamed.flush();

    await rebuildAnalytics(db, {}, today);
    const first = await snapshot(db);
    await rebuildAnalytics(db, {}, today);
    expect(await snapshot(db)).toEqual(first);

    const usage = await readFamily(db, config, { projectId: 7n, family: "usage", granularity: "day", ...range });
    const totals = Object.fromEntries(usage.series.map((s) => [`${s.metric} ${s.dimension}`, s.total]));
    expect(totals).toEqual({
      "api.calls GET /v1/project 200": "3",
      "webhook.deliveries delivered": "2",
      "webhook.deliveries failed": "1",
    });
    const opened = await readFamily(db, config, {
      projectId: 7n,
      family: "usage",
      granularity: "day",
      from: new Date(Date.now() - DAY),
      to: new Date(Date.now() + DAY),
    });
    // Allowed openings only, one reader however its address was cased.
    expect(opened.series.filter((s) => s.metric === "records.opened").map((s) => [s.dimension, s.total])).toEqual([
      ["0xaa00000000000000000000000000000000000001", "2"],
    ]);
    const perf = await readFamily(db, config, { projectId: 7n, family: "performance", granularity: "hour", ...range });
    const latency = perf.series.find((s) => s.metric === "webhook.block_to_delivery");
    expect(latency?.total).toBe("2");
    expect(latency?.p50).toBeGreaterThanOrEqual(500);
    expect(latency?.p99).toBeLessThan(2_000);

    // A source row gone (a reorg retracted it, a re-index dropped it): the rebuild drops it too.
    await db.deleteFrom("webhook_deliveries").where("id", "=", "d3").execute();
    await rebuildAnalytics(db, {}, today);
    const after = await readFamily(db, config, { projectId: 7n, family: "usage", granularity: "hour", ...range });
    expect(after.series.map((s) => `${s.metric} ${s.dimension} ${s.total}`)).toEqual([
      "api.calls GET /v1/project 200 3",
      "webhook.deliveries delivered 2",
    ]);
    expect((await readAcrossProjects(db, range)).find((p) => p.projectId === "7")?.totals).toEqual({
      "api.calls": "3",
      "webhook.block_to_delivery": "2",
      "webhook.deliveries": "2",
    });
  });
});

describe("chain and issuer sources (PostgreSQL)", () => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  let issuer: TestApiDb;

  beforeAll(async () => {
    t = await openTestApiDb("postgres", "onekey_analytics_src");
    db = t.store.db;
    await migrate(db, "latest");
    // Ponder's views as the rebuild reads them: the columns it uses, in a schema of their own.
    await sql`CREATE SCHEMA test_views`.execute(db);
    await sql`CREATE TABLE test_views.outbox (id text PRIMARY KEY, type text NOT NULL, project_ids numeric(78,0)[] NOT NULL,
      block_timestamp numeric(78,0) NOT NULL)`.execute(db);
    await sql`CREATE TABLE test_views.sponsored_operations (user_op_hash text PRIMARY KEY, project_id numeric(78,0) NOT NULL,
      actual_cost numeric(78,0) NOT NULL, block_timestamp numeric(78,0) NOT NULL)`.execute(db);
    const s = T0 / 1000;
    await sql`INSERT INTO test_views.outbox VALUES
      ('a1', 'attestation.created', '{7,8}', ${s + 60}), ('a2', 'attestation.created', '{7}', ${s + 7200}),
      ('c1', 'consent.granted', '{7}', ${s + 60}), ('c2', 'consent.revoked', '{7}', ${s + 120}),
      ('x1', 'project.created', '{7}', ${s + 60})`.execute(db);
    await sql`INSERT INTO test_views.sponsored_operations VALUES
      ('0x01', 7, 1000000000000000, ${s + 60}), ('0x02', 7, 500000000000000, ${s + 4000})`.execute(db);
    // The issuer's own database: its kyc_sessions, with the columns the rebuild reads.
    issuer = await openTestApiDb("postgres", "onekey_analytics_issuer");
    await sql`CREATE TABLE kyc_sessions (id text PRIMARY KEY, project_id numeric(20,0) NOT NULL, status text NOT NULL,
      outcome text, provider text, steps jsonb NOT NULL, created_at timestamptz NOT NULL, level smallint,
      attestation_record_bytes bigint)`.execute(issuer.store.db);
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    const steps = (decidedAfterMs: number | null, end?: string) =>
      JSON.stringify([
        { step: "created", at: at(0) },
        { step: "submitted", at: at(1_000) },
        ...(decidedAfterMs === null ? [] : [{ step: "decided", at: at(1_000 + decidedAfterMs) }]),
        ...(end ? [{ step: end, at: at(3_600_000) }] : []),
      ]);
    // The two approved ones stored a record (bytes as the issuer measured it).
    for (const [id, status, outcome, decided, level, bytes] of [
      ["s1", "consented", "approved", 30_000, 2, 4096],
      ["s2", "decided", "rejected", 90_000, 2, null],
      ["s3", "submitted", null, null, 1, null],
      ["s4", "consented", "approved", 40_000, null, 1500],
      ["s5", "expired", null, null, null, null],
    ] as const) {
      await sql`INSERT INTO kyc_sessions VALUES (${id}, 7, ${status}, ${outcome}, 'sandbox', ${steps(decided, status === "expired" ? "expired" : undefined)}::jsonb, ${new Date(T0)}, ${level}, ${bytes})`.execute(
        issuer.store.db,
      );
    }
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  it("derives attestations, consents, gas and the issuer's figures; a re-run and a re-index change nothing", async () => {
    // Through the same opener the worker uses (its search_path names the issuer's schema).
    const issuerSource = openIssuerSource(issuer.url as string, issuer.schema);
    onTestFinished(() => issuerSource.destroy());
    const sources = { views: "test_views", issuer: issuerSource };
    await rebuildAnalytics(db, sources, range);
    const first = await snapshot(db);
    await rebuildAnalytics(db, sources, range);
    expect(await snapshot(db)).toEqual(first);

    const q = { projectId: 7n, granularity: "day", ...range } as const;
    const usage = await readFamily(db, config, { ...q, family: "usage" });
    expect(Object.fromEntries(usage.series.map((s) => [`${s.metric}/${s.dimension}`, s.total]))).toEqual({
      "attestations/": "2",
      "consents.granted/": "1",
      "consents.revoked/": "1",
      "operations.sponsored/": "2",
      "verifications.approved/sandbox": "2",
      // What billing charges: decided sessions by provider and level ('*' when the level is unknown).
      "verifications.decided/sandbox 2": "2",
      "verifications.decided/sandbox *": "1",
      "verifications.rejected/sandbox": "1",
      "verifications.started/sandbox": "5",
    });
    const cost = await readFamily(db, config, { ...q, family: "cost" });
    expect(cost.series.map((s) => [s.metric, s.dimension, s.total])).toEqual([
      ["gas.sponsored", "", "1500000000000000"],
      ["storage.bytes", "", "5596"], // 4096 + 1500, the records of s1 and s4
      ["gas.sponsored.fiat", "USD", "3.000000"], // 0.0015 ETH at 2000
      ["provider.fees", "sandbox", "2.50"], // 5 started at 0.5
    ]);
    const perf = await readFamily(db, config, { ...q, family: "performance" });
    expect(perf.verifyFlow).toEqual({
      sessions: 5,
      completed: 2,
      completionRate: 0.4,
      stoppedAt: { consented: 2, decided: 1, submitted: 1, "expired after submitted": 1 },
    });
    const decision = perf.series.find((s) => s.metric === "verifications.decision_time");
    expect(decision?.total).toBe("3");
    expect(decision?.p50).toBeGreaterThanOrEqual(20_000);
    expect(decision?.p50).toBeLessThan(60_000);
    // Project 8 gets its own attestation, not project 7's others.
    const other = await readFamily(db, config, { ...q, projectId: 8n, family: "usage" });
    expect(other.series.map((s) => [s.metric, s.total])).toEqual([["attestations", "1"]]);

    // A re-index that drops a block's rows: the next rebuild no longer counts them.
    await sql`DELETE FROM test_views.outbox WHERE id = 'a2'`.execute(db);
    await rebuildAnalytics(db, sources, range);
    const again = await readFamily(db, config, { ...q, family: "usage" });
    expect(again.series.find((s) => s.metric === "attestations")?.total).toBe("1");
  });
});

describe("a failed flush", () => {
  it("while the database is away, a full buffer asks for one flush at a time and stops growing", async () => {
    let attempts = 0;
    const away = new Proxy({} as ConstructorParameters<typeof RollupRecorder>[0], {
      get(_, property) {
        if (property === "isTransaction") return false;
        if (property === "transaction") {
          attempts++;
          return () => ({ execute: () => Promise.reject(new Error("connection refused")) });
        }
        throw new Error(`${String(property)} is not available while the database is away`);
      },
    });
    const errors: unknown[] = [];
    const recorder = new RollupRecorder(away, { maxKeys: 10, onError: (e) => errors.push(e) });
    for (let i = 0; i < 1_000; i++) recorder.count(7n, "api.calls", `GET /r${i} 200`, T0);
    await recorder.flush();
    // One flush for the full buffer (not one per key beyond it), and the one asked for here.
    expect(attempts).toBe(2);
    expect(recorder.bufferedKeys).toBe(40);
    expect(recorder.droppedKeys).toBe(960);
    expect(errors).toHaveLength(2);
  });

  it("keeps its counts and adds them with the next flush, once", async () => {
    const t = await openTestApiDb("pglite", "onekey_analytics_flush");
    try {
      const db = t.store.db;
      await migrate(db, "latest");
      // The first transaction fails (the database is away); later ones reach the real database.
      let failures = 1;
      const flaky = new Proxy(db, {
        get(target, property) {
          if (property === "transaction" && failures > 0) {
            failures--;
            return () => ({ execute: () => Promise.reject(new Error("connection refused")) });
          }
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const errors: unknown[] = [];
      const recorder = new RollupRecorder(flaky, { onError: (e) => errors.push(e) });
      recorder.count(7n, "api.calls", "GET /v1/project 200", T0, 4);
      await recorder.flush();
      expect(errors).toHaveLength(1);
      expect(recorder.bufferedKeys).toBe(1);
      recorder.count(7n, "api.calls", "GET /v1/project 200", T0, 1);
      await recorder.flush();
      expect(errors).toHaveLength(1);
      await recorder.flush(); // nothing left: adds nothing
      const rows = await db
        .selectFrom("analytics_rollups")
        .select(["granularity", "value"])
        .orderBy("granularity")
        .execute();
      expect(rows.map((r) => [r.granularity, String(r.value)])).toEqual([
        ["day", "5"],
        ["hour", "5"],
      ]);
    } finally {
      await t.close();
    }
  });
});
