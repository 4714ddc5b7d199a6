/**
 * The tenant API's GET /livez and /readyz (src/api/http/health.ts) over the local PostgreSQL and
 * Redis and a stand-in JSON-RPC server; "down" is a closed port or the stand-in stopped.
 * The database and the read model decide readiness; the RPC and Redis are reported but optional
 * (the API runs without them), so their failure names the check and leaves it 200.
 */
import type { Server } from "node:http";
import { OpenAPIHono } from "@hono/zod-openapi";
import { startChainIdRpc } from "@onekey/devnet/chain-id-rpc";
import { freePort } from "@onekey/devnet/processes";
import type { Readiness } from "@onekey/service-kit/health";
import { Redis } from "ioredis";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiDb, openApiDb } from "../../../db/open.js";
import { type ApiHealthDeps, registerHealthRoutes } from "../../../src/api/http/health.js";
import type { ApiEnv } from "../../../src/api/kit.js";
import { openTestApiDb, type TestApiDb } from "../../support/testApiDb.js";

const SECRET = "SECRET-RPC-KEY-77";

let database: TestApiDb;
let rpc: { url: string; server: Server };
let redis: Redis;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  database = await openTestApiDb("postgres", "onekey_api_health");
  rpc = await startChainIdRpc(31337, SECRET);
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
  await database?.close();
  await new Promise((resolve) => rpc?.server.close(resolve));
});

function deps(overrides: Partial<ApiHealthDeps> = {}): ApiHealthDeps {
  return {
    chainId: 31337,
    store: database.store.db,
    readModel: async () => [],
    chain: createPublicClient({ transport: http(rpc.url) }),
    redis,
    ...overrides,
  };
}

async function probe(health: ApiHealthDeps) {
  const app = registerHealthRoutes(new OpenAPIHono<ApiEnv>(), health);
  const ready = await app.request("/readyz");
  const text = await ready.text();
  return {
    status: ready.status,
    body: JSON.parse(text) as Readiness,
    text,
    live: (await app.request("/livez")).status,
  };
}

describe("tenant API readiness", () => {
  it("is 200 ready when the database, the read model, the RPC and Redis answer", async () => {
    const result = await probe(deps());
    expect(result).toMatchObject({ status: 200, live: 200, body: { status: "ready" } });
    expect(Object.keys(result.body.checks).sort()).toEqual(["database", "readModel", "redis", "rpc"]);
    for (const check of Object.values(result.body.checks)) expect(check).toMatchObject({ ok: true });
    expect(result.body.checks.rpc?.optional).toBe(true);
    expect(result.body.checks.database?.optional).toBeUndefined();
  });

  it("is 503 naming the database when it is unreachable; liveness stays 200", async () => {
    const down: ApiDb = openApiDb({
      kind: "postgres",
      url: `postgres://api:${SECRET}@127.0.0.1:${await freePort()}/none`,
      schema: "onekey_api",
    });
    closers.push(() => down.close());
    const result = await probe(deps({ store: down.db }));
    expect(result).toMatchObject({ status: 503, live: 200, body: { status: "not_ready" } });
    expect(result.body.checks.database).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(result.body.checks.readModel?.ok).toBe(true);
    expect(result.text).not.toContain(SECRET);
  });

  it("is 503 naming the read model when Ponder's tables cannot be read", async () => {
    const missing = Object.assign(new Error('relation "projects" does not exist'), { code: "42P01" });
    const result = await probe(deps({ readModel: () => Promise.reject(missing) }));
    expect(result).toMatchObject({ status: 503, live: 200 });
    expect(result.body.checks.readModel).toMatchObject({ ok: false, error: "Error (42P01)" });
    expect(result.text).not.toContain("relation");
  });

  it("stays 200 when the RPC stops or serves another chain, naming it as an optional failure", async () => {
    const doomed = await startChainIdRpc(31337, SECRET);
    const chain = createPublicClient({ transport: http(doomed.url) });
    expect((await probe(deps({ chain }))).body.checks.rpc?.ok).toBe(true);
    doomed.server.closeAllConnections();
    await new Promise((resolve) => doomed.server.close(resolve));
    const down = await probe(deps({ chain }));
    expect(down).toMatchObject({ status: 200, live: 200, body: { status: "ready" } });
    expect(down.body.checks.rpc).toMatchObject({
      ok: false,
      optional: true,
      error: expect.stringMatching(/^HttpRequestError/),
    });
    expect(down.text).not.toContain(SECRET);

    const other = await startChainIdRpc(8453, SECRET);
    closers.push(() => new Promise((resolve) => other.server.close(resolve)));
    const wrong = await probe(deps({ chain: createPublicClient({ transport: http(other.url) }) }));
    expect(wrong.status).toBe(200);
    expect(wrong.body.checks.rpc).toMatchObject({ ok: false, error: "the RPC serves chain 8453, not 31337" });
  });

  it("stays 200 when Redis is unreachable (limits count per process), naming it", async () => {
    const away = new Redis(`redis://:${SECRET}@127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    away.on("error", () => {});
    closers.push(() => away.disconnect());
    const result = await probe(deps({ redis: away }));
    expect(result).toMatchObject({ status: 200, live: 200, body: { status: "ready" } });
    expect(result.body.checks.redis).toMatchObject({
      ok: false,
      optional: true,
      error: expect.stringMatching(/^not connected/),
    });
    expect(result.text).not.toContain(SECRET);
  });
});
