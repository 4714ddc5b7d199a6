/**
 * Liveness and readiness (GET /health, /livez, /readyz) and the metrics of the JSON-RPC side,
 * without a chain: a stand-in JSON-RPC server answers eth_chainId, the local PostgreSQL and Redis
 * are the real ones, and "down" is a closed port or the stand-in stopped. Readiness names the
 * failed check without a secret from its URL; liveness stays 200 throughout.
 */
import type { Server } from "node:http";
import { startChainIdRpc } from "@onekey/devnet/chain-id-rpc";
import { freePort, waitFor } from "@onekey/devnet/processes";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import type { Readiness } from "@onekey/service-kit/health";
import { readinessHandler } from "@onekey/service-kit/health";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { type IssuerDb, openIssuerDb } from "../src/ledger/db.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp, type HealthDependencies } from "../src/server.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";
import { offlineDeployment, offlineEnv } from "./support/offline.js";

const SECRET = "SECRET-API-KEY-5678";
const METRICS_TOKEN = "metrics-token-0123456789";

function configWith(rpcUrl: string) {
  return loadConfig(
    { ...offlineEnv, ONEKEY_RPC_URL: rpcUrl, ONEKEY_ISSUER_METRICS_TOKEN: METRICS_TOKEN },
    { deployment: offlineDeployment },
  );
}

let rpc: { url: string; server: Server };
let database: TestDatabase;
let store: IssuerDb;
let redis: Redis;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  rpc = await startChainIdRpc(31337, SECRET);
  database = await createTestDatabase("onekey_issuer_health");
  store = openIssuerDb(database.url, "onekey_issuer_health");
  redis = new Redis("redis://127.0.0.1:6379", {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  await redis.connect();
});
afterAll(async () => {
  for (const close of closers) await close();
  redis?.disconnect();
  await store?.close();
  await database?.drop();
  await new Promise((resolve) => rpc?.server.close(resolve));
});

function appWith(health: HealthDependencies, rpcUrl = rpc.url) {
  return createIssuerApp(configWith(rpcUrl), {
    ledger: {} as AttestationLedger,
    limits: {} as SponsorshipLimits,
    logger: createLogger("error"),
    health,
  }).app;
}

async function probe(app: ReturnType<typeof appWith>) {
  const ready = await app.request("/readyz");
  const text = await ready.text();
  const live = await app.request("/livez");
  const health = await app.request("/health");
  return {
    status: ready.status,
    body: JSON.parse(text) as Readiness,
    text,
    live: live.status,
    health: health.status,
    cache: ready.headers.get("cache-control"),
  };
}

describe("readiness", () => {
  it("is 200 ready when the database, the RPC, Redis and both signing keys answer", async () => {
    const result = await probe(appWith({ db: store.db, redis }));
    expect(result).toMatchObject({ status: 200, live: 200, health: 200, cache: "no-store" });
    expect(result.body.status).toBe("ready");
    expect(Object.keys(result.body.checks).sort()).toEqual(["database", "kycSigner", "redis", "rpc", "sponsorSigner"]);
    for (const check of Object.values(result.body.checks)) expect(check).toMatchObject({ ok: true });
  });

  it("is 503 naming the database when it is unreachable; liveness stays 200", async () => {
    const down = openIssuerDb(`postgres://issuer:${SECRET}@127.0.0.1:${await freePort()}/none`, "onekey_issuer");
    closers.push(() => down.close());
    const result = await probe(appWith({ db: down.db, redis }));
    expect(result).toMatchObject({ status: 503, live: 200, health: 200 });
    expect(result.body.status).toBe("not_ready");
    expect(result.body.checks.database).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(result.body.checks.rpc?.ok).toBe(true);
    expect(result.body.checks.redis?.ok).toBe(true);
    expect(result.text).not.toContain(SECRET);
  });

  it("is 503 naming the RPC once its server stops, and when it serves another chain", async () => {
    const doomed = await startChainIdRpc(31337, SECRET);
    const app = appWith({ db: store.db, redis }, doomed.url);
    expect((await probe(app)).status).toBe(200);
    doomed.server.closeAllConnections();
    await new Promise((resolve) => doomed.server.close(resolve));
    // Readiness answers from its last run for up to a second: wait for the next run to see it.
    const result = await waitFor("readiness to see the RPC gone", async () => {
      const r = await probe(app);
      return r.status === 503 ? r : undefined;
    });
    expect(result).toMatchObject({ status: 503, live: 200, health: 200 });
    expect(result.body.checks.rpc).toMatchObject({ ok: false, error: expect.stringMatching(/^HttpRequestError/) });
    expect(result.body.checks.database?.ok).toBe(true);
    expect(result.text).not.toContain(SECRET);

    const other = await startChainIdRpc(8453, SECRET);
    closers.push(() => new Promise((resolve) => other.server.close(resolve)));
    const wrong = await probe(appWith({ db: store.db, redis }, other.url));
    expect(wrong.status).toBe(503);
    expect(wrong.body.checks.rpc).toMatchObject({ ok: false, error: "the RPC serves chain 8453, not 31337" });
  });

  it("is 503 naming Redis when it is unreachable", async () => {
    const away = new Redis(`redis://:${SECRET}@127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    away.on("error", () => {});
    closers.push(() => away.disconnect());
    const result = await probe(appWith({ db: store.db, redis: away }));
    expect(result).toMatchObject({ status: 503, live: 200, health: 200 });
    expect(result.body.checks.redis).toMatchObject({ ok: false, error: expect.stringMatching(/^not connected/) });
    expect(result.body.checks.database?.ok).toBe(true);
    expect(result.text).not.toContain(SECRET);
  });
});

describe("metrics", () => {
  it("count JSON-RPC calls by method and outcome, behind the metrics token", async () => {
    const app = appWith({});
    await app.request("/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "pm_getPaymasterData", params: [] }),
    });
    await app.request("/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_attackerChosenName", params: [] }),
    });
    expect((await app.request("/metrics")).status).toBe(401);
    // A wrong token of the same length, and the right one cut short, are refused alike.
    for (const wrong of [`${METRICS_TOKEN.slice(0, -1)}x`, METRICS_TOKEN.slice(0, 4)]) {
      expect((await app.request("/metrics", { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(401);
    }
    const metrics = await app.request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/onekey_issuer_rpc_requests_total\{method="pm_getPaymasterData",outcome="invalid_params"\} 1/);
    expect(text).toMatch(/onekey_issuer_rpc_requests_total\{method="unknown",outcome="method_not_found"\} 1/);
    expect(text).toContain("onekey_issuer_rpc_request_duration_seconds_bucket");
    expect(text).toContain("onekey_issuer_sponsorships_signed_total 0");
    expect(text).toContain("onekey_issuer_http_request_duration_seconds");
    expect(text).not.toContain("eth_attackerChosenName");
  });
});

describe("readinessHandler", () => {
  it("runs the checks at most once a second however many probes arrive, and shares a run under way", async () => {
    let runs = 0;
    let clock = 0;
    const handler = readinessHandler(
      {
        database: async () => {
          runs++;
        },
      },
      { now: () => clock },
    );
    const answers = await Promise.all([handler(), handler(), handler()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(runs).toBe(1);
    clock = 999;
    await handler();
    expect(runs).toBe(1);
    clock = 1_000;
    await handler();
    expect(runs).toBe(2);
  });
});
