/**
 * GET /v1/admin/organizations/{orgId}/statements/{month} in process, on PostgreSQL and PGlite:
 * the owner and an enabled admin read the statement (JSON and CSV, the same as the command's);
 * a stranger, another organization's admin, a disabled admin and an unknown organization get 403
 * and see nothing (and spend their own refusal budget); a bad or future month is a 400; every read
 * and refusal is audited.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAnalyticsConfig } from "../../analytics/config.js";
import type { PriceList } from "../../billing/priceList.js";
import { computeStatement, statementCsv } from "../../billing/statement.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { newSecret, SESSION_PREFIX, sha256Hex } from "../../src/api/auth/tokens.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { OrganizationInfo, ReadModel } from "../../src/api/readModel.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const OWNER = "0x00000000000000000000000000000000000000a1";
const ADMIN = "0x00000000000000000000000000000000000000a2";
const OTHER_ORG_ADMIN = "0x00000000000000000000000000000000000000b1";
const STRANGER = "0x00000000000000000000000000000000000000c1";
const PRICES: PriceList = {
  version: "test-1",
  effectiveFrom: "2030-01",
  currency: "USD",
  verifications: { "*": { "*": "2.00" } },
  apiCalls: { freeTierPerMonth: 0, per1000: "1.00" },
  webhookDelivery: "0.01",
  gas: { marginBasisPoints: 500 },
};
const ORGS: Record<string, OrganizationInfo> = {
  "1": { orgId: 1n, owner: OWNER, admins: [ADMIN], projectIds: [7n, 8n] },
  "2": { orgId: 2n, owner: OTHER_ORG_ADMIN, admins: [OTHER_ORG_ADMIN], projectIds: [9n] },
};
const NOW = new Date(Date.UTC(2030, 11, 15));

describe.each(["pglite", "postgres"] as DbKind[])("statement route on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  let api: ReturnType<typeof createApi>;
  const tokens: Record<string, string> = {};
  const get = (path: string, who: string, headers: Record<string, string> = {}) =>
    api.request(path, { headers: { Authorization: `Bearer ${tokens[who]}`, ...headers } });
  const audit = () =>
    db
      .selectFrom("audit_log")
      .select(["actor", "action", "result", "target", "detail"])
      .where("action", "=", "billing.statement.read")
      .orderBy("id")
      .execute();

  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_billing_api");
    db = t.store.db;
    await migrate(db, "latest");
    for (const who of [OWNER, ADMIN, OTHER_ORG_ADMIN, STRANGER]) {
      tokens[who] = newSecret(SESSION_PREFIX);
      await db
        .insertInto("sessions")
        .values({
          token_hash: sha256Hex(tokens[who] as string),
          address: who,
          expires_at: new Date(Date.UTC(2031, 0, 1)),
        })
        .execute();
    }
    await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value) VALUES
      (7, 'usage', 'verifications.decided', 'sandbox 1', 'day', ${new Date("2030-11-02T00:00:00Z")}, 3),
      (8, 'usage', 'webhook.deliveries', 'delivered', 'day', ${new Date("2030-11-03T00:00:00Z")}, 100),
      (9, 'usage', 'verifications.decided', 'sandbox 1', 'day', ${new Date("2030-11-02T00:00:00Z")}, 1000)`.execute(db);
    api = createApi({
      config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "1000", ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "3" }),
      store: db,
      readModel: { organization: async (orgId: bigint) => ORGS[orgId.toString()] } as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
      analytics: readAnalyticsConfig({ ONEKEY_ANALYTICS_ETH_PRICE: "1000" }),
      priceLists: [PRICES],
      now: () => NOW,
    });
  });
  afterAll(() => t?.close());

  it("gives the owner and an admin the organization's statement, as JSON and as CSV, and audits each read", async () => {
    const res = await get("/v1/admin/organizations/1/statements/2030-11", OWNER);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ organization: "1", projects: ["7", "8"], subtotal: "7.00", total: "7.00" });
    // Exactly what the command computes for the same inputs.
    const expected = await computeStatement(db, {
      orgId: 1n,
      projectIds: [7n, 8n],
      month: "2030-11",
      priceLists: [PRICES],
      now: NOW,
    });
    expect(body).toEqual(expected);

    for (const request of [
      get("/v1/admin/organizations/1/statements/2030-11?format=csv", ADMIN),
      get("/v1/admin/organizations/1/statements/2030-11", ADMIN, { Accept: "text/csv" }),
    ]) {
      const csv = await request;
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(csv.headers.get("content-disposition")).toContain("onekey-statement-1-2030-11.csv");
      expect(await csv.text()).toBe(statementCsv(expected));
    }
    const rows = await audit();
    expect(rows.map((r) => [r.actor, r.result, r.target, (r.detail as { format?: string }).format])).toEqual([
      [OWNER, "ok", "organization:1/2030-11", "json"],
      [ADMIN, "ok", "organization:1/2030-11", "csv"],
      [ADMIN, "ok", "organization:1/2030-11", "csv"],
    ]);
  });

  it("refuses a stranger, another organization's admin and an unknown organization alike, audited", async () => {
    const before = (await audit()).length;
    for (const [path, who] of [
      ["/v1/admin/organizations/1/statements/2030-11", STRANGER],
      ["/v1/admin/organizations/1/statements/2030-11?format=csv", OTHER_ORG_ADMIN],
      ["/v1/admin/organizations/3/statements/2030-11", OWNER],
    ] as const) {
      const res = await get(path, who);
      expect(res.status).toBe(403);
      const problem = (await res.json()) as { code: string; total?: string };
      expect(problem.code).toBe("not_organization_admin");
      expect(JSON.stringify(problem)).not.toContain("7.00");
    }
    const refused = (await audit()).slice(before);
    expect(refused.map((r) => [r.actor, r.result])).toEqual([
      [STRANGER, "denied"],
      [OTHER_ORG_ADMIN, "denied"],
      [OWNER, "denied"],
    ]);
    // Refusals spend the caller's refusal budget (3 here), never the organization's: then 429.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await get("/v1/admin/organizations/1/statements/2030-11", STRANGER)).status);
    expect(statuses).toEqual([403, 403, 429]);
    expect((await get("/v1/admin/organizations/1/statements/2030-11", OWNER)).status).toBe(200);
    // Without a session: 401, nothing read.
    expect((await api.request("/v1/admin/organizations/1/statements/2030-11")).status).toBe(401);
  });

  it("answers a bad month, a future month and a month before every price list with a 400 naming month", async () => {
    const before = (await audit()).length;
    for (const month of ["2030-13", "2030-1", "garbage", "2031-01", "2029-12"]) {
      const res = await get(`/v1/admin/organizations/1/statements/${month}`, OWNER);
      expect(res.status, month).toBe(400);
      expect(((await res.json()) as { field?: string }).field).toBe("month");
    }
    expect((await get("/v1/admin/organizations/1/statements/2030-11?format=xml", OWNER)).status).toBe(400);
    expect((await audit()).length).toBe(before);
    // The organization id is validated like a project id.
    expect((await get("/v1/admin/organizations/0/statements/2030-11", OWNER)).status).toBe(400);
  });

  it("says a month with sponsored gas cannot be priced when no ETH price is configured (503), and bills nothing", async () => {
    await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value) VALUES
      (7, 'cost', 'gas.sponsored', '', 'day', ${new Date("2030-12-02T00:00:00Z")}, 2000000000000000)`.execute(db);
    const unpriced = createApi({
      config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "1000" }),
      store: db,
      readModel: { organization: async (orgId: bigint) => ORGS[orgId.toString()] } as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
      analytics: readAnalyticsConfig({}),
      priceLists: [PRICES],
      now: () => NOW,
    });
    const res = await unpriced.request("/v1/admin/organizations/1/statements/2030-12", {
      headers: { Authorization: `Bearer ${tokens[OWNER]}` },
    });
    expect(res.status).toBe(503);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("pricing_not_configured");
    expect(problem.detail).toMatch(/no ETH price/);
    // The API with a price bills the same month, gas included.
    const priced = await get("/v1/admin/organizations/1/statements/2030-12", OWNER);
    expect(priced.status).toBe(200);
    expect((await priced.json()) as { ethPrice: unknown }).toMatchObject({ ethPrice: { price: "1000.00" } });
  });
});
