/**
 * `npm run bench:ops`: the operations figures of issue 16 on this machine's PostgreSQL, in a
 * database of its own. No chain is needed. Four measurements:
 *
 *  1. analytics_p99_ms: 1,000,000 usage events across 1,000 projects (sizes skewed: a few large
 *     projects, many small) spread over the last 30 days are generated set-based in SQL and rolled
 *     up into hour and day rows as the rollup store holds them. Then BENCH_QUERIES requests for a
 *     random project's 30-day daily usage series go through the tenant API app (in process:
 *     `app.request`, no socket; API key check, validation, query, JSON), one at a time after a
 *     warm-up that uses every key once; the figure is their p99. The reference
 *     (`reference_raw_events_p99_ms`) counts the same series from the raw events (SQL only,
 *     indexed by project and time): no rollups.
 *  2. statement_ms: the previous month's statement for the largest organization, which here owns
 *     all PROJECTS projects (the worst case), through the API app as an organization admin gets it
 *     (session check, the organization from the read model, the statement from the day rollups,
 *     priced, audited, JSON). The same generated events are relabelled first as billable ones
 *     (decided verifications by provider and level, delivered webhooks), so every line is priced;
 *     the figure is the slowest of BENCH_STATEMENTS runs, the first (cold) included.
 *  3. rollup_eps: 1,000,000 API calls (each a count and a latency observation) through the real
 *     ingest path, RollupRecorder as the API uses it (aggregate per project, route and hour in
 *     memory; additive upserts of hour and day rows every 5 s or 20,000 keys), timed from the
 *     first event to the last flush committed. The calls are timestamped as they arrive, as live
 *     traffic is; `rollup_eps_backfill` also times 200,000 events spread over 30 days through the
 *     same path (nearly one row per event: the recorder's worst case).
 *  4. alert_ms: the security monitor's path end to end. The real webhook worker runs as a child
 *     process with ONEKEY_SECURITY_SCAN_SECONDS=1 (default 30: set low for this bench) and the
 *     operator channel pointed at a local receiver; 20 refused sign-ins (the rule's default
 *     threshold) from one address go through the tenant API app; the figure is the time from the
 *     first refused request to the receiver getting the signed operator alert (signature checked).
 *
 * Ends with one JSON line: {"analytics_p99_ms":N,"statement_ms":N,"rollup_eps":N,"alert_ms":N,...}
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { createSiweMessage } from "viem/siwe";
import { readAnalyticsConfig } from "../analytics/config.js";
import { RollupRecorder } from "../analytics/recorder.js";
import { migrate } from "../db/migrator.js";
import { openApiDb } from "../db/open.js";
import { createTestDatabase } from "../harness/postgres.js";
import { newEncryptionKey, startWorker, type WorkerProcess } from "../harness/worker.js";
import { createLogger } from "../lib/logger.js";
import { createApi } from "../src/api/app.js";
import { ApiKeyService } from "../src/api/auth/apiKeys.js";
import { newSecret, SESSION_PREFIX, sha256Hex } from "../src/api/auth/tokens.js";
import { readApiConfig } from "../src/api/config.js";
import { createMetrics } from "../src/api/http/metrics.js";
import type { OrganizationInfo, ReadModel } from "../src/api/readModel.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 1_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2_000);
const BACKFILL_EVENTS = Number(process.env.BENCH_BACKFILL_EVENTS ?? 200_000);
const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 5);
const SCHEMA = "onekey_api";
const DAY = 86_400_000;

const log = (message: string) => console.error(`[bench] ${message}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
/** Project ids 1..PROJECTS, skewed towards the low ids (u^2): project 1 is the largest. */
const skewedProject = () => 1 + Math.floor(PROJECTS * Math.random() ** 2);
const ROUTES = [
  "GET /v1/subjects/:address",
  "GET /v1/consents",
  "GET /v1/project",
  "GET /v1/budget",
  "GET /v1/subjects/:address/attestations",
  "GET /v1/webhooks/deliveries",
  "POST /v1/webhooks/endpoints",
  "GET /v1/analytics/:family",
];
const statusOf = (r: number) => (r < 0.95 ? "200" : r < 0.98 ? "404" : r < 0.995 ? "400" : "429");

const database = await createTestDatabase("onekey_bench_ops");
const store = openApiDb({ kind: "postgres", url: database.url, schema: SCHEMA });
const db = store.db;
let worker: WorkerProcess | undefined;
const receiver = createServer();
try {
  await migrate(db, "latest");

  // ---------------------------------------------------------------- 3. ingest through the recorder
  const ingest = async (events: number, at: (i: number) => number) => {
    const recorder = new RollupRecorder(db, { flushMs: 5_000, maxKeys: 20_000 }).start();
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      const project = String(skewedProject());
      const route = ROUTES[i % ROUTES.length] as string;
      const when = at(i);
      recorder.count(project, "api.calls", `${route} ${statusOf(Math.random())}`, when);
      recorder.observe(project, "api.latency", route, when, 2 + Math.random() * Math.random() * 200);
      // Arrivals are asynchronous in the API: let timers and flushes run between batches.
      if (i % 5_000 === 4_999) await new Promise((r) => setImmediate(r));
    }
    await recorder.stop();
    return events / ((performance.now() - started) / 1000);
  };
  log(`ingesting ${EVENTS} live API calls through RollupRecorder`);
  const rollupEps = await ingest(EVENTS, () => Date.now());
  log(`rollup_eps ${Math.round(rollupEps)}`);
  const now = Date.now();
  log(`ingesting ${BACKFILL_EVENTS} calls spread over 30 days (one row per event, nearly)`);
  const backfillEps = await ingest(BACKFILL_EVENTS, () => now - Math.floor(Math.random() * 30 * DAY));
  log(`rollup_eps_backfill ${Math.round(backfillEps)}`);

  // ---------------------------------------------------------------- 1. the 30-day history, set-based
  log(`generating ${EVENTS} usage events across ${PROJECTS} projects over 30 days (SQL)`);
  const generated = performance.now();
  await sql`
    CREATE TEMP TABLE bench_events AS
    SELECT 1 + floor(${PROJECTS} * random() ^ 2)::bigint AS project_id,
           (ARRAY['attestations', 'consents.granted', 'consents.revoked', 'webhook.deliveries',
                  'verifications.started', 'records.opened'])[1 + floor(random() * 6)::int] AS metric,
           to_timestamp(${now / 1000} - random() * 30 * 86400) AS at
      FROM generate_series(1, ${EVENTS})`.execute(db);
  await sql`
    INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value)
    SELECT project_id, 'usage', metric, '', g.granularity,
           to_timestamp(floor(extract(epoch from at) / g.size) * g.size), count(*)
      FROM bench_events CROSS JOIN (VALUES ('hour', 3600), ('day', 86400)) AS g(granularity, size)
     GROUP BY 1, 3, 5, 6
    ON CONFLICT (project_id, family, granularity, bucket_start, metric, dimension)
    DO UPDATE SET value = EXCLUDED.value`.execute(db);
  // Steady state: a table filled over 30 days has been vacuumed; without this, autovacuum of the
  // 1.7M fresh rows would run during the measurement.
  await sql`VACUUM (ANALYZE) analytics_rollups`.execute(db);
  // The reference: the same 30-day daily series counted from the raw events (indexed by project
  // and time), which is what a query without rollups would do.
  await sql`CREATE INDEX bench_events_project ON bench_events (project_id, at)`.execute(db);
  await sql`ANALYZE bench_events`.execute(db);
  const rawTimings: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    await sql`
      SELECT metric, floor(extract(epoch from at) / 86400) AS day, count(*)
        FROM bench_events WHERE project_id = ${skewedProject()} AND at >= to_timestamp(${now / 1000 - 30 * 86400})
       GROUP BY 1, 2`.execute(db);
    if (i >= 20) rawTimings.push(performance.now() - started);
  }
  rawTimings.sort((a, b) => a - b);
  const rawP99 = percentile(rawTimings, 99);
  log(
    `reference, the same series from raw events: p50 ${round(percentile(rawTimings, 50))} ms, p99 ${round(rawP99)} ms`,
  );
  await sql`DROP TABLE bench_events`.execute(db);
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM analytics_rollups`.execute(db);
  log(`rollups: ${rows[0]?.n} rows (generated in ${round((performance.now() - generated) / 1000)} s)`);

  // ---------------------------------------------------------------- the API, as Ponder mounts it
  const keyService = new ApiKeyService(db, 60_000);
  const keys: string[] = [];
  for (let p = 1; p <= Math.min(PROJECTS, 200); p++) {
    // Half the keys on the largest projects (the skew's head), half spread over the rest.
    const project = p <= 100 ? p : 100 + Math.floor(Math.random() * (PROJECTS - 100)) + 1;
    keys.push(
      (await keyService.create(BigInt(project), { name: "bench", scopes: ["read"] }, { address: "0xbench" })).key,
    );
  }
  const api = createApi({
    config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "1000000", ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000" }),
    store: db,
    // Neither analytics nor sign-in reads the chain's tables; the statement asks for its organization.
    readModel: { organization: async (orgId: bigint) => (orgId === 1n ? organization : undefined) } as ReadModel,
    verifySignature: async () => false,
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics: createMetrics(),
    analytics: readAnalyticsConfig({ ONEKEY_ANALYTICS_ETH_PRICE: "3000" }),
  });
  const organization: OrganizationInfo = {
    orgId: 1n,
    owner: "0x00000000000000000000000000000000000b111",
    admins: [],
    projectIds: Array.from({ length: PROJECTS }, (_, i) => BigInt(i + 1)),
  };

  log(`querying a random project's 30-day daily usage series, ${QUERIES} times`);
  const timings: number[] = [];
  // Warm-up: every key once (a key's first call in a minute also records its last use, a write),
  // then random keys, as steady traffic from keys in use.
  const warmUp = keys.length + 100;
  for (let i = 0; i < QUERIES + warmUp; i++) {
    const key = (i < keys.length ? keys[i] : keys[Math.floor(Math.random() * keys.length)]) as string;
    const started = performance.now();
    const res = await api.request("/v1/analytics/usage?granularity=day", {
      headers: { Authorization: `Bearer ${key}` },
    });
    const body = (await res.json()) as { series?: unknown[] };
    if (res.status !== 200 || !body.series) throw new Error(`analytics query failed: ${res.status}`);
    if (i >= warmUp) timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const analyticsP99 = percentile(timings, 99);
  log(`analytics p50 ${round(percentile(timings, 50))} ms, p99 ${round(analyticsP99)} ms`);

  // ---------------------------------------------------------------- 2. the largest organization's statement
  // The generated events as billable ones: each project's verifications decided by one provider
  // and level, its webhook deliveries delivered (one row per key before and after: no collisions).
  await sql`UPDATE analytics_rollups SET metric = 'verifications.decided',
              dimension = (ARRAY['sumsub 1', 'sumsub 2', 'onfido 3'])[1 + project_id % 3]
             WHERE metric = 'verifications.started'`.execute(db);
  await sql`UPDATE analytics_rollups SET dimension = 'delivered' WHERE metric = 'webhook.deliveries'`.execute(db);
  await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value)
            SELECT project_id, 'cost', 'gas.sponsored', '', granularity, bucket_start, value * 150000000000000
              FROM analytics_rollups WHERE metric = 'attestations'`.execute(db);
  await sql`VACUUM (ANALYZE) analytics_rollups`.execute(db);
  const session = newSecret(SESSION_PREFIX);
  await db
    .insertInto("sessions")
    .values({ token_hash: sha256Hex(session), address: organization.owner, expires_at: new Date(now + DAY) })
    .execute();
  const last = new Date(now);
  const month = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  log(`the ${month} statement of an organization with ${PROJECTS} projects, ${STATEMENTS} times`);
  const statementTimings: number[] = [];
  let statementTotal = "";
  let statementLines = 0;
  for (let i = 0; i < STATEMENTS; i++) {
    const started = performance.now();
    const res = await api.request(`/v1/admin/organizations/1/statements/${month}`, {
      headers: { Authorization: `Bearer ${session}` },
    });
    const body = (await res.json()) as { total?: string; lines?: unknown[] };
    if (res.status !== 200 || !body.lines) throw new Error(`statement failed: ${res.status} ${JSON.stringify(body)}`);
    statementTimings.push(performance.now() - started);
    statementTotal = body.total ?? "";
    statementLines = body.lines.length;
  }
  const statementMs = Math.max(...statementTimings);
  log(
    `statement: ${statementLines} lines, total ${statementTotal}; ${statementTimings.map((t) => Math.round(t)).join(", ")} ms`,
  );

  // ---------------------------------------------------------------- 4. attack to operator alert
  const secret = `whsec_${Buffer.from("bench-operator-channel-0123456789").toString("base64")}`;
  let alertAt: number | undefined;
  let alertBody = "";
  receiver.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        alertAt ??= performance.now();
        alertBody ||= body;
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const alertUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/operators`;
  // The worker's chain rules read Ponder's views; no Ponder runs here, so they exist empty, as in a
  // deployment that has indexed nothing yet (only the columns those rules read).
  await sql`CREATE SCHEMA onekey`.execute(db);
  await sql`CREATE TABLE onekey.sponsored_operations (project_id numeric(78,0), actual_cost numeric(78,0), block_timestamp numeric(78,0))`.execute(
    db,
  );
  await sql`CREATE TABLE onekey.attestations (uid text, issuer text, revoker text, revoked_at numeric(78,0), status text)`.execute(
    db,
  );
  await sql`CREATE TABLE onekey.paymaster_events (id text, name text, args jsonb, block_timestamp numeric(78,0), transaction_hash text)`.execute(
    db,
  );
  worker = await startWorker({
    databaseUrl: database.url,
    encryptionKey: newEncryptionKey(),
    env: {
      ONEKEY_API_SCHEMA: SCHEMA,
      ONEKEY_SECURITY_SCAN_SECONDS: "1",
      ONEKEY_SECURITY_ALERT_URL: alertUrl,
      ONEKEY_SECURITY_ALERT_SECRET: secret,
    },
  });
  const attacker = "0x00000000000000000000000000000000000a77ac";
  log("20 refused sign-ins from one address through the API; waiting for the operator alert");
  const attackStarted = performance.now();
  for (let i = 0; i < 20; i++) {
    const message = createSiweMessage({
      domain: "phishing.example", // not the API's domain: refused and audited
      address: attacker,
      uri: "https://phishing.example",
      version: "1",
      chainId: 31337,
      nonce: `benchnonce${String(i).padStart(6, "0")}`,
      issuedAt: new Date(),
    });
    const res = await api.request("/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message, signature: `0x${"11".repeat(65)}` }),
    });
    if (res.status !== 401 && res.status !== 400) throw new Error(`expected a refused sign-in, got ${res.status}`);
  }
  const deadline = Date.now() + 30_000;
  while (alertAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (alertAt === undefined) throw new Error(`no operator alert within 30 s; worker log:\n${worker.logs()}`);
  const alertMs = alertAt - attackStarted;
  log(`operator alert after ${Math.round(alertMs)} ms: ${alertBody.slice(0, 120)}`);

  console.log(
    JSON.stringify({
      analytics_p99_ms: round(analyticsP99),
      statement_ms: Math.round(statementMs),
      rollup_eps: Math.round(rollupEps),
      alert_ms: Math.round(alertMs),
      rollup_eps_backfill: Math.round(backfillEps),
      analytics_p50_ms: round(percentile(timings, 50)),
      reference_raw_events_p99_ms: round(rawP99),
      notes:
        "statement_ms: the previous month for one organization owning every project, the slowest of BENCH_STATEMENTS; alert_ms with ONEKEY_SECURITY_SCAN_SECONDS=1 (default 30)",
    }),
  );
} finally {
  await worker?.stop();
  receiver.close();
  await store.close();
  await database.drop();
}
