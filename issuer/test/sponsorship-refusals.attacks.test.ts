/**
 * Sponsorship refusals made queryable (sponsorship/refusal-counts.ts, table sponsorship_refusals)
 * and the security monitor's `sponsorship_refusal_spike` rule over them, on the local PostgreSQL
 * with a clock the test sets: the issuer counts each refusal per project, hour and reason and
 * nothing else; a database that is away never changes the JSON-RPC answer and loses no count;
 * and the attacker's script, a burst of requests the paymaster service refuses sent to the real
 * issuer app, raises an incident for the project, judged against its own week.
 */
import { Writable } from "node:stream";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { openSecurityMonitor, type SecurityMonitor } from "@onekey/indexer/harness/security";
import { sql } from "kysely";
import { getAddress, toHex } from "viem";
import { entryPoint07Address } from "viem/account-abstraction";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { type IssuerDb, openIssuerDb } from "../src/ledger/db.js";
import { migrate } from "../src/ledger/migrator.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp, SPONSORSHIP_REFUSED } from "../src/server.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";
import { createRefusalCounts, type RefusalCounts } from "../src/sponsorship/refusal-counts.js";
import { offlineDeployment, offlineEnv } from "./support/offline.js";

const SCHEMA = "onekey_issuer_refusals";
const HOUR = 3_600_000;
const sender = getAddress("0x00000000000000000000000000000000000c0ffe");
const config = loadConfig(offlineEnv, { deployment: offlineDeployment });

let database: TestDatabase;
let store: IssuerDb;
/** The hour the test is in: 10:30, so the current bucket is 10:00. */
const clock = new Date("2026-12-06T10:30:00.000Z");
const thisHour = new Date("2026-12-06T10:00:00.000Z");

/** The issuer's app without a chain: these requests are refused before any chain read. */
function issuer(refusals?: RefusalCounts) {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  return createIssuerApp(config, {
    ledger: {} as AttestationLedger,
    limits: {} as SponsorshipLimits,
    logger: createLogger("error", quiet),
    refusals,
  }).app;
}

const operation = {
  sender,
  nonce: "0x0",
  callData: "0x",
  callGasLimit: toHex(100_000),
  verificationGasLimit: toHex(100_000),
  preVerificationGas: toHex(50_000),
  maxFeePerGas: toHex(2_000_000_000),
  maxPriorityFeePerGas: toHex(1_000_000_000),
};

/** One pm_getPaymasterStubData the service refuses: for another chain, or another EntryPoint. */
async function refused(app: ReturnType<typeof issuer>, projectId: bigint, reason: "wrong_chain" | "wrong_entry_point") {
  const params = [
    operation,
    reason === "wrong_entry_point" ? getAddress("0x00000000000000000000000000000000000000e7") : entryPoint07Address,
    reason === "wrong_chain" ? "0x1" : toHex(config.chainId),
    { projectId: projectId.toString() },
  ];
  const response = await app.request("/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "pm_getPaymasterStubData", params }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const buckets = async () =>
  (await store.db.selectFrom("sponsorship_refusals").selectAll().orderBy("project_id").orderBy("reason").execute()).map(
    (r) => ({ ...r, count: Number(r.count) }),
  );

beforeAll(async () => {
  database = await createTestDatabase("onekey_issuer_refusals");
  store = openIssuerDb(database.url, SCHEMA);
  await migrate(store.db, "latest");
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});
beforeEach(async () => {
  await sql`TRUNCATE sponsorship_refusals`.execute(store.db);
});

describe("sponsorship refusals, counted", () => {
  it("counts each refusal in its project's hour by reason, and nothing about the sender", async () => {
    const counts = createRefusalCounts(store.db, { now: () => clock, flushMs: 3_600_000 });
    const app = issuer(counts);
    const answer = await refused(app, 5n, "wrong_chain");
    expect(answer).toMatchObject({
      status: 200,
      body: { error: { code: SPONSORSHIP_REFUSED, data: { reason: "wrong_chain" } } },
    });
    await refused(app, 5n, "wrong_chain");
    await refused(app, 5n, "wrong_entry_point");
    await refused(app, 6n, "wrong_chain");
    await counts.stop();
    expect(await buckets()).toEqual([
      { project_id: "5", hour: thisHour, reason: "wrong_chain", count: 2 },
      { project_id: "5", hour: thisHour, reason: "wrong_entry_point", count: 1 },
      { project_id: "6", hour: thisHour, reason: "wrong_chain", count: 1 },
    ]);
    // The next flush adds to the hour's counts.
    const more = createRefusalCounts(store.db, { now: () => clock, flushMs: 3_600_000 });
    await refused(issuer(more), 6n, "wrong_chain");
    await more.stop();
    expect((await buckets()).at(-1)).toMatchObject({ project_id: "6", count: 2 });
  });

  it("a database that is away changes nothing in the answer, and the counts wait for it", async () => {
    const errors: (string | undefined)[] = [];
    const counts = createRefusalCounts(store.db, {
      now: () => clock,
      flushMs: 3_600_000,
      onError: (code) => errors.push(code),
    });
    const without = await refused(issuer(), 5n, "wrong_chain");
    await sql`ALTER TABLE sponsorship_refusals RENAME TO sponsorship_refusals_away`.execute(store.db);
    try {
      const app = issuer(counts);
      expect(await refused(app, 5n, "wrong_chain")).toEqual(without);
      await refused(app, 5n, "wrong_chain");
      await counts.flush();
      expect(errors).toEqual(["42P01"]);
    } finally {
      await sql`ALTER TABLE sponsorship_refusals_away RENAME TO sponsorship_refusals`.execute(store.db);
    }
    await counts.stop();
    expect(await buckets()).toEqual([{ project_id: "5", hour: thisHour, reason: "wrong_chain", count: 2 }]);
  });

  it("attack: refusals over made-up project ids while the database is away do not grow the process without bound", async () => {
    const counts = createRefusalCounts(store.db, { now: () => clock, flushMs: 3_600_000, maxBuckets: 2 });
    const app = issuer(counts);
    for (const project of [11n, 12n, 13n, 14n]) await refused(app, project, "wrong_chain");
    // Counts for a bucket already waiting still add up.
    await refused(app, 11n, "wrong_chain");
    expect(counts.dropped).toBe(2);
    await counts.stop();
    expect((await buckets()).map((b) => [b.project_id, b.count])).toEqual([
      ["11", 2],
      ["12", 1],
    ]);
  });
});

describe("the security monitor's sponsorship_refusal_spike rule", () => {
  let monitor: SecurityMonitor;
  beforeAll(async () => {
    monitor = await openSecurityMonitor(database.url, {
      ONEKEY_SECURITY_SPONSORSHIP_REFUSALS_PER_HOUR: "20",
      ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: database.url,
      ONEKEY_ANALYTICS_ISSUER_SCHEMA: SCHEMA,
    });
  });
  afterAll(async () => {
    await monitor?.close();
  });

  it("attack: a burst of refused sponsorship requests raises an incident for the project, judged by its own week", async () => {
    // A busy project: 10 refusals an hour all week (its limit is 5 x 10 = 50, above the floor of 20).
    await sql`
      INSERT INTO sponsorship_refusals (project_id, hour, reason, count)
      SELECT 8, ${thisHour}::timestamptz - make_interval(hours => h), 'budget_empty', 10
        FROM generate_series(1, 168) AS h`.execute(store.db);
    const counts = createRefusalCounts(store.db, { now: () => clock, flushMs: 3_600_000 });
    const app = issuer(counts);
    const burst = async (projectId: bigint, n: number) => {
      for (let i = 0; i < n; i++) await refused(app, projectId, "wrong_chain");
      await counts.flush();
    };

    await burst(9n, 19); // a quiet project, below the floor
    await burst(8n, 40); // the busy one at its usual pace
    const quiet = await monitor.scan(clock);
    expect(quiet.skipped).toEqual([]);
    expect(quiet.raised).toEqual([]);

    await burst(9n, 1); // at the floor
    const first = await monitor.scan(clock);
    expect(first.raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([
      ["sponsorship_refusal_spike", "medium", "9"],
    ]);
    expect(first.raised[0]?.evidence).toMatchObject({
      refusedThisHour: 20,
      byReason: { wrong_chain: 20 },
      hourlyAverageLastWeek: 0,
      limit: 20,
    });

    await burst(8n, 15); // 55: now above its own norm
    const second = await monitor.scan(clock);
    expect(second.raised.map((a) => [a.projectId, a.evidence.limit, a.evidence.hourlyAverageLastWeek])).toEqual([
      ["8", 50, 10],
    ]);
    // The burst on project 9 goes on: the same incident, counted, not raised again.
    await burst(9n, 5);
    expect((await monitor.scan(clock)).raised).toEqual([]);
    const incidents = await monitor.incidents();
    expect(incidents.find((a) => a.projectId === "9")).toMatchObject({ occurrences: 3, state: "open" });

    // The next hour starts from nothing.
    expect((await monitor.scan(new Date(thisHour.getTime() + HOUR + 60_000))).findings).toBe(0);
    await counts.stop();
  });
});
