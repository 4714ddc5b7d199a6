/**
 * GET /v1/analytics/{family} in process, on PostgreSQL and PGlite: a key reads its own project's
 * figures and nobody else's, bad ranges and unknown families are 400s that change nothing, and
 * the app counts each project's calls by route and status into the rollups.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAnalyticsConfig } from "../../analytics/config.js";
import { RollupRecorder } from "../../analytics/recorder.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { ApiKeyService } from "../../src/api/auth/apiKeys.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { ReadModel } from "../../src/api/readModel.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const ADMIN = { address: "0x00000000000000000000000000000000000000a1" };
const DAY = 86_400_000;

describe.each(["postgres", "pglite"] as DbKind[])("analytics routes on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  let recorder: RollupRecorder;
  let api: ReturnType<typeof createApi>;
  const keys: Record<string, string> = {};
  const get = (path: string, key?: string) =>
    api.request(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_analytics_api");
    db = t.store.db;
    await migrate(db, "latest");
    const service = new ApiKeyService(db, 0);
    keys.a = (await service.create(7n, { name: "a", scopes: ["read"] }, ADMIN)).key;
    keys.b = (await service.create(8n, { name: "b", scopes: ["read"] }, ADMIN)).key;
    keys.hooksOnly = (await service.create(7n, { name: "h", scopes: ["webhooks:manage"] }, ADMIN)).key;
    recorder = new RollupRecorder(db);
    api = createApi({
      config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "1000" }),
      store: db,
      // No route here reads the chain's tables.
      readModel: {} as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
      analytics: readAnalyticsConfig({ ONEKEY_ANALYTICS_ETH_PRICE: "1000" }),
      recorder,
    });
  });
  afterAll(() => t?.close());

  it("answers the key's project's calls, counted by route and status, and nothing of another project", async () => {
    expect((await get("/v1/analytics/usage", keys.a)).status).toBe(200);
    expect((await get("/v1/analytics/usage?granularity=minute", keys.a)).status).toBe(400);
    expect((await get("/v1/analytics/usage", keys.b)).status).toBe(200);
    await recorder.flush();

    const res = await get("/v1/analytics/usage", keys.a);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      projectId: string;
      granularity: string;
      series: { dimension: string; total: string }[];
    };
    expect(body.projectId).toBe("7");
    expect(body.granularity).toBe("day");
    expect(body.series.map((s) => [s.dimension, s.total])).toEqual([
      ["GET /v1/analytics/:family 200", "1"],
      ["GET /v1/analytics/:family 400", "1"],
    ]);
    const perf = (await (await get("/v1/analytics/performance?granularity=hour", keys.a)).json()) as {
      series: { metric: string; total: string; p50: number | null }[];
    };
    const latency = perf.series.find((s) => s.metric === "api.latency");
    expect(latency?.total).toBe("2"); // the two calls flushed above; later ones wait for the next flush
    expect(latency?.p50).toBeGreaterThanOrEqual(0);

    const other = (await (await get("/v1/analytics/usage", keys.b)).json()) as {
      projectId: string;
      series: { total: string }[];
    };
    expect(other.projectId).toBe("8");
    expect(other.series.map((s) => s.total)).toEqual(["1"]); // its own first call only
  });

  it("prices the cost family at the configured source", async () => {
    const body = (await (await get("/v1/analytics/cost", keys.a)).json()) as { pricing: unknown };
    expect(body.pricing).toEqual({
      currency: "USD",
      ethPrice: 1000,
      ethPriceSource: "fixed (ONEKEY_ANALYTICS_ETH_PRICE)",
      providerFees: {},
    });
  });

  it("refuses another project, bad ranges and unknown families with a 4xx naming the field, and changes nothing", async () => {
    await recorder.flush();
    const before = await db
      .selectFrom("analytics_rollups")
      .selectAll()
      .orderBy(["project_id", "metric", "dimension", "granularity", "bucket_start"])
      .execute();
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [string, string | undefined, number, string, string?][] = [
      ["/v1/analytics/usage?projectId=7", keys.b, 400, "invalid_request", "projectId"],
      ["/v1/analytics/usage", undefined, 401, "credentials_missing"],
      ["/v1/analytics/usage", "okk_not-a-real-key", 401, "api_key_malformed"],
      // Project 7's key with its last character changed: well formed, nobody's.
      ["/v1/analytics/usage", `${keys.a?.slice(0, -1)}${keys.a?.endsWith("A") ? "B" : "A"}`, 401, "api_key_unknown"],
      ["/v1/analytics/usage", keys.hooksOnly, 403, "scope_missing"],
      ["/v1/analytics/secrets", keys.a, 400, "invalid_request", "family"],
      ["/v1/analytics/usage?granularity=minute", keys.a, 400, "invalid_request", "granularity"],
      ["/v1/analytics/usage?from=yesterday", keys.a, 400, "invalid_request", "from"],
      ["/v1/analytics/usage?from=2026-02-30", keys.a, 400, "invalid_request", "from"],
      [`/v1/analytics/usage?from=${iso(now)}&to=${iso(now - DAY)}`, keys.a, 400, "invalid_request", "from"],
      ["/v1/analytics/usage?from=2020-01-01&to=2026-01-01", keys.a, 400, "invalid_request", "from"],
      // From alone, far back: the default `to` (now) makes the range too long.
      ["/v1/analytics/usage?from=2000-01-01", keys.a, 400, "invalid_request", "from"],
      [`/v1/analytics/usage?granularity=hour&from=${iso(now - 40 * DAY)}`, keys.a, 400, "invalid_request", "from"],
      ["/v1/analytics/usage?from=2026-01-01&from=2026-01-02", keys.a, 400, "invalid_request", "from"],
    ];
    // No recorder in this app: "changes nothing" is then every row as it was.
    const quiet = createApi({
      config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "1000" }),
      store: db,
      readModel: {} as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
    });
    for (const [path, key, status, code, field] of cases) {
      const res = await quiet.request(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
      const body = (await res.json()) as { code?: string; field?: string };
      expect({ path, status: res.status, code: body.code, field: body.field }).toEqual({ path, status, code, field });
    }
    const after = await db
      .selectFrom("analytics_rollups")
      .selectAll()
      .orderBy(["project_id", "metric", "dimension", "granularity", "bucket_start"])
      .execute();
    expect(after).toEqual(before);
  });
});
