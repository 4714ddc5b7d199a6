/**
 * `npm run bench:indexer`: the indexer and tenant API under load, on this machine, against the
 * local PostgreSQL. Three measurements on one local chain:
 *
 *  1. backfill: 100,000 attestations (issuer batches) and 10,000 consents (one tx per subject,
 *     500 per block) are on the chain before Ponder starts; events/s from backfill start to /ready;
 *  2. live: 200 consent transactions, each timed from mined to visible through the API;
 *  3. API: status lookups of random subjects among the 100,000, under autocannon on loopback.
 *
 * Ends with one JSON line:
 * {"backfill_eps":N,"live_p50_ms":N,"live_p95_ms":N,"api_rps":N,"api_p50_ms":N,"api_p99_ms":N}
 *
 * Sizes can be reduced for a quick run: BENCH_SUBJECTS, BENCH_CONSENTS, BENCH_LIVE, BENCH_API_SECONDS;
 * BENCH_LOG_FILE keeps Ponder's log; BENCH_DEBUG=1 logs at trace level and prints each live tx.
 */
import { writeFileSync } from "node:fs";
import { mineBlocks } from "@onekey/devnet/local-chain";
import autocannon from "autocannon";
import { ApiClient } from "../harness/api.js";
import { startPonder } from "../harness/ponder.js";
import { createTestDatabase } from "../harness/postgres.js";
import { startChainStack } from "../test/support/stack.js";
import { attestMany, consentMany, consentOne, subjectAddress } from "./generate.js";

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const CONSENTS = Number(process.env.BENCH_CONSENTS ?? 10_000);
const LIVE = Number(process.env.BENCH_LIVE ?? 200);
const API_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LIVE_SPACING_MS = Number(process.env.BENCH_LIVE_SPACING_MS ?? 250);

const log = (message: string) => console.error(`[bench] ${message}`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const stack = await startChainStack();
const database = await createTestDatabase("onekey_bench");
let stopPonder: (() => Promise<void>) | undefined;
let ponderLogs: (() => string) | undefined;
try {
  const { onekey } = stack;
  const owner = onekey.account(2);
  await onekey.registerIssuer(onekey.account(1).address);
  const orgId = await onekey.createOrganization(owner);
  const projectId = await onekey.createProject(owner, orgId, "bench");

  // ---------------------------------------------------------------- history
  let started = Date.now();
  let lastShown = 0;
  const attested = await attestMany(onekey, 1, 0, SUBJECTS, {
    onProgress: (done) => {
      if (done - lastShown >= 20_000) {
        lastShown = done;
        log(`attested ${done}/${SUBJECTS}`);
      }
    },
  });
  const consentSubjects = Array.from({ length: CONSENTS }, (_, i) => subjectAddress(i));
  const consented = await consentMany(onekey, projectId, consentSubjects);
  // Past the local chain's 30-block finality, so the whole history is backfill, not live sync.
  await mineBlocks(stack.chain.rpcUrl, 40);
  const head = await onekey.blockNumber();
  const events = attested + consented;
  log(`history: ${attested} attestations + ${consented} consents up to block ${head} in ${Date.now() - started} ms`);

  // ---------------------------------------------------------------- backfill
  const wsUrl = stack.chain.rpcUrl.replace("http://", "ws://");
  started = Date.now();
  const ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    wsUrl: process.env.BENCH_NO_WS ? undefined : wsUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema: "bench",
    logLevel: process.env.BENCH_DEBUG ? "trace" : "info",
    env: {
      ONEKEY_API_RATE_LIMIT_POINTS: "1000000",
      ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
      ONEKEY_API_LOG_LEVEL: process.env.BENCH_API_LOG_LEVEL ?? "info",
      ONEKEY_INDEXER_POLLING_MS: process.env.BENCH_POLLING_MS ?? "100",
    },
  });
  stopPonder = () => ponder.stop();
  ponderLogs = ponder.logs;
  const ready = await (async () => {
    for (;;) {
      const res = await fetch(`${ponder.url}/ready`);
      if (res.status === 200) return Date.now();
      if (Date.now() - started > 15 * 60_000) throw new Error("backfill took over 15 minutes");
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const lines = ponder
    .logs()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { msg: string; time: number | string; duration?: number });
  const backfillStart = lines.find((l) => l.msg === "Started backfill indexing");
  const backfillDone = lines.find((l) => l.msg === "Completed backfill indexing across all chains");
  const fromMs = typeof backfillStart?.time === "number" ? backfillStart.time : started;
  const backfillSeconds = (ready - fromMs) / 1000;
  const backfillEps = events / backfillSeconds;
  log(
    `backfill: ${events} events in ${round(backfillSeconds, 2)} s (start -> /ready) = ${Math.round(backfillEps)} events/s` +
      (backfillDone?.duration ? `; Ponder's own backfill duration ${Math.round(backfillDone.duration)} ms` : ""),
  );
  // Over a websocket Ponder learns of blocks as they come (the subscription opens just after
  // /ready): keep a block coming until it has synced the unfinalized tail.
  for (let i = 0; (await ponder.indexedBlock()) < Number(head); i++) {
    if (i > 600) throw new Error("live sync did not reach the chain head");
    await mineBlocks(stack.chain.rpcUrl, 1);
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = new ApiClient(ponder.url);
  const session = await api.login(owner);
  const { key } = await api.createKey(session, projectId, { name: "bench" });
  const auth = { authorization: `Bearer ${key}` };

  // ---------------------------------------------------------------- live
  // One transaction every LIVE_SPACING_MS (4 blocks/s; Base makes one every 2 s). Much faster and
  // Ponder's adaptive JSON-RPC limiter (20 requests/s to start) queues the block fetches.
  const latencies: number[] = [];
  let lastSent = 0;
  // The first blocks after /ready also open Ponder's subscription and warm its pools: not counted.
  const WARM_UP = 5;
  for (let i = -WARM_UP; i < LIVE; i++) {
    const subject = subjectAddress(CONSENTS + WARM_UP + i);
    const wait = lastSent + LIVE_SPACING_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastSent = performance.now();
    await consentOne(onekey, projectId, subject);
    const mined = performance.now();
    for (;;) {
      const res = await fetch(`${ponder.url}/v1/subjects/${subject}`, { headers: auth });
      const body = (await res.json()) as { consent?: { granted: boolean } };
      if (body.consent?.granted) break;
      if (performance.now() - mined > 30_000) throw new Error(`consent of ${subject} not visible after 30 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    if (i < 0) continue;
    latencies.push(performance.now() - mined);
    if (process.env.BENCH_DEBUG) {
      const head = await onekey.blockNumber();
      const line = ponder
        .logs()
        .split("\n")
        .reverse()
        .find((l) => l.includes('"Indexed block"') && l.includes(`"number":${head},`));
      const indexedAt = line ? (JSON.parse(line) as { time: number }).time : 0;
      log(
        `tx ${i} block ${head} visible ${round(latencies.at(-1) ?? 0)} ms; indexed-log at +${indexedAt - (Date.now() - (performance.now() - mined))} ms`,
      );
    }
  }
  latencies.sort((a, b) => a - b);
  const liveP50 = percentile(latencies, 50);
  const liveP95 = percentile(latencies, 95);
  log(`live: ${LIVE} txs, p50 ${round(liveP50)} ms, p95 ${round(liveP95)} ms, max ${round(latencies.at(-1) ?? 0)} ms`);

  // ---------------------------------------------------------------- API
  const pick = () => subjectAddress(Math.floor(Math.random() * SUBJECTS));
  const run = (duration: number) =>
    autocannon({
      url: ponder.url,
      connections: CONNECTIONS,
      duration,
      headers: auth,
      requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/v1/subjects/${pick()}` }) }],
    });
  await run(3); // warm-up: JIT, connection pools, Postgres buffers
  const result = await run(API_SECONDS);
  const bad = result.non2xx + result.errors + result.timeouts;
  log(
    `api: ${result.requests.total} lookups over ${SUBJECTS} subjects, ${CONNECTIONS} connections, ` +
      `${round(result.requests.average, 0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `${bad} non-2xx/errors`,
  );
  if (bad > 0) throw new Error(`${bad} API requests failed during the load test`);

  console.log(
    JSON.stringify({
      backfill_eps: Math.round(backfillEps),
      live_p50_ms: round(liveP50),
      live_p95_ms: round(liveP95),
      api_rps: Math.round(result.requests.average),
      api_p50_ms: result.latency.p50,
      api_p99_ms: result.latency.p99,
    }),
  );
} finally {
  if (process.env.BENCH_LOG_FILE && ponderLogs) writeFileSync(process.env.BENCH_LOG_FILE, ponderLogs());
  await stopPonder?.();
  await database.drop();
  await stack.stop();
}
