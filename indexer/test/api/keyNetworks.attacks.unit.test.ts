/**
 * Where API keys are used from (api_key_networks, for the api_key_new_network rule), on the app
 * with a real API database (PGlite) and the socket peer a real server would see: the API keeps the
 * client's network prefix (IPv4 /24, IPv6 /48), never its address; it reads the client the way
 * the limits do, so a stranger's X-Forwarded-For is ignored; it writes at most once a minute per
 * key and network; a failed write never fails the request. The attacker's script: a leaked key
 * used from another network raises the incident.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { readSecurityConfig } from "../../security/config.js";
import { runSecurityScan } from "../../security/scan.js";
import { createApi } from "../../src/api/app.js";
import { ApiKeyService } from "../../src/api/auth/apiKeys.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { ReadModel } from "../../src/api/readModel.js";
import { openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const PROJECT = 7n;
const ADMIN = "0x00000000000000000000000000000000000000ad";
/** The load balancer in front of the API (ONEKEY_API_TRUSTED_PROXIES). */
const BALANCER = "10.0.0.5";

let test: TestApiDb;
const db = () => test.store.db as Kysely<ApiDatabase>;
let clock: Date;

function api() {
  return createApi({
    config: readApiConfig({ ONEKEY_API_TRUSTED_PROXIES: "10.0.0.0/8" }),
    store: db(),
    // Every key here is for a project not indexed yet: an accepted key is answered 404, a refused one 401.
    readModel: { project: async () => undefined, activeConsentCount: async () => 0 } as unknown as ReadModel,
    verifySignature: () => Promise.reject(new Error("no signatures here")),
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics: createMetrics(),
    now: () => clock,
  });
}

/** A request as @hono/node-server hands it over: the socket's peer, and the headers it was sent. */
const call = (app: ReturnType<typeof api>, key: string, peer: string, forwardedFor?: string) =>
  app.request(
    "/v1/project",
    { headers: { authorization: `Bearer ${key}`, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) } },
    { incoming: { socket: { remoteAddress: peer } } },
  );

const networks = () =>
  db()
    .selectFrom("api_key_networks")
    .select(["key_id", "network", "first_seen", "last_seen"])
    .orderBy("network")
    .execute();

async function newKey(scopes: ("read" | "webhooks:manage")[] = ["read"]) {
  return new ApiKeyService(db(), 0).create(PROJECT, { name: "backend", scopes }, { address: ADMIN });
}

beforeAll(async () => {
  test = await openTestApiDb("pglite", "onekey_key_networks");
  await migrate(db(), "latest");
});
afterAll(async () => {
  await test?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE api_key_networks, api_keys, security_alerts, audit_heads, audit_log CASCADE`.execute(db());
  clock = new Date(Math.floor(Date.now() / 1000) * 1000);
});

describe("the networks an API key is used from", () => {
  it("keeps the /24 or /48 of the client, never its address, once a minute per key and network", async () => {
    const app = api();
    const { key, apiKey } = await newKey();
    expect((await call(app, key, "198.51.100.23")).status).toBe(404);
    expect((await call(app, key, "2001:db8:abcd:12:1::9")).status).toBe(404);
    // An IPv4-mapped peer is its IPv4 network.
    expect((await call(app, key, "::ffff:198.51.100.200")).status).toBe(404);
    await vi.waitFor(async () => expect(await networks()).toHaveLength(2));
    const rows = await networks();
    expect(rows.map((r) => [r.key_id, r.network])).toEqual([
      [apiKey.id, "198.51.100.0/24"],
      [apiKey.id, "2001:db8:abcd::/48"],
    ]);
    // Nothing anywhere in the table is an address.
    const dump = JSON.stringify(await db().selectFrom("api_key_networks").selectAll().execute());
    expect(dump).not.toMatch(/198\.51\.100\.(23|200)|2001:db8:abcd:12/);

    // Within the minute another use writes nothing; after it, last_seen moves and first_seen stays.
    const first = rows[0]?.last_seen;
    clock = new Date(clock.getTime() + 30_000);
    await call(app, key, "198.51.100.24");
    clock = new Date(clock.getTime() + 31_000);
    await call(app, key, "198.51.100.25");
    await vi.waitFor(async () => expect((await networks())[0]?.last_seen.getTime()).toBe(clock.getTime()));
    expect((await networks())[0]?.first_seen).toEqual(first);
  });

  it("attack: a stranger's X-Forwarded-For does not pick the network recorded; the balancer's does", async () => {
    const app = api();
    const { key } = await newKey();
    // From outside the trusted proxies, claiming to be inside the project's usual network.
    await call(app, key, "203.0.113.66", "198.51.100.23");
    // Through the balancer, which appends the real client.
    await call(app, key, BALANCER, "6.6.6.6, 192.0.2.44");
    await vi.waitFor(async () => expect(await networks()).toHaveLength(2));
    expect((await networks()).map((r) => r.network)).toEqual(["192.0.2.0/24", "203.0.113.0/24"]);
  });

  it("a refused key records nothing, and a failing write never fails the request", async () => {
    const app = api();
    const { key } = await newKey();
    expect((await call(app, `${key.slice(0, -2)}xx`, "198.51.100.23")).status).toBe(401);
    await sql`ALTER TABLE api_key_networks RENAME TO api_key_networks_away`.execute(db());
    try {
      expect((await call(app, key, "198.51.100.23")).status).toBe(404);
      // PGlite runs one query at a time: by now the background write has run, and failed.
      const away = await sql<{ n: number }>`SELECT count(*)::int AS n FROM api_key_networks_away`.execute(db());
      expect(away.rows[0]?.n).toBe(0);
    } finally {
      await sql`ALTER TABLE api_key_networks_away RENAME TO api_key_networks`.execute(db());
    }
    // The failed write is forgotten, so the next use (even within the minute) tries again.
    expect((await call(app, key, "198.51.100.23")).status).toBe(404);
    await vi.waitFor(async () => expect((await networks()).map((r) => r.network)).toEqual(["198.51.100.0/24"]));
  });

  it("attack: a leaked key used from the attacker's network raises api_key_new_network for its project", async () => {
    const app = api();
    const config = readSecurityConfig({});
    const scan = () => runSecurityScan(db(), { config, chainId: 31337, now: clock });
    const { key } = await newKey(["read", "webhooks:manage"]);
    // The project's backend, its only network so far: the key's history starting, no alert.
    await call(app, key, BALANCER, "198.51.100.23");
    await vi.waitFor(async () => expect(await networks()).toHaveLength(1));
    expect((await scan()).raised).toEqual([]);
    // The attacker, a minute later, from elsewhere.
    clock = new Date(clock.getTime() + 60_000);
    await call(app, key, BALANCER, "192.0.2.44");
    await vi.waitFor(async () => expect(await networks()).toHaveLength(2));
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([["api_key_new_network", "medium", "7"]]);
    expect(raised[0]?.evidence).toMatchObject({ network: "192.0.2.0/24", knownNetworks: 1 });
    expect(JSON.stringify(raised[0])).not.toContain("192.0.2.44");
  });
});
