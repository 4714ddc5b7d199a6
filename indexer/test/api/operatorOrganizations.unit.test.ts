/**
 * GET /v1/operator/organizations in process on PGlite, without the issuer's database: this month's
 * verifications come from the analytics rollups and the answer says so (`source: "analytics"`);
 * the plans are those in force now (a watched file's change shows without a restart). With the
 * issuer's database, the count is the quota's own (api.operator.attacks.e2e.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plans } from "../../billing/plans.js";
import { migrate } from "../../db/migrator.js";
import { openApiDb } from "../../db/open.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { newSecret, SESSION_PREFIX, sha256Hex } from "../../src/api/auth/tokens.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { OrganizationSummary, ReadModel } from "../../src/api/readModel.js";

const OPERATOR = "0x00000000000000000000000000000000000000d1";
const NOW = new Date(Date.UTC(2030, 11, 15, 12));
const ORGS = [
  { orgId: 1n, owner: "0x00000000000000000000000000000000000000a1", projectIds: [7n, 8n] },
  { orgId: 2n, owner: "0x00000000000000000000000000000000000000b1", projectIds: [9n] },
] as unknown as OrganizationSummary[];
const PLANS: Plans = {
  version: "one",
  defaultPlan: "standard",
  plans: {
    standard: { apiRequestsPerWindow: null, monthlyVerifications: 100 },
    scale: { apiRequestsPerWindow: 5000, monthlyVerifications: null },
  },
  organizations: {},
};

describe("operators' organizations, from the rollups", () => {
  const dir = mkdtempSync(join(tmpdir(), "onekey-operator-orgs-"));
  const store = openApiDb({ kind: "pglite", directory: dir });
  const token = newSecret(SESSION_PREFIX);
  let inForce = PLANS;
  let api: ReturnType<typeof createApi>;

  beforeAll(async () => {
    await migrate(store.db, "latest");
    await store.db
      .insertInto("sessions")
      .values({ token_hash: sha256Hex(token), address: OPERATOR, expires_at: new Date(Date.UTC(2031, 0, 1)) })
      .execute();
    // Organization 1: 2 + 3 this month over its two projects; 40 last month are not this month's.
    await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value) VALUES
      (7, 'usage', 'verifications.started', 'sandbox', 'day', ${new Date("2030-12-01T00:00:00Z")}, 2),
      (8, 'usage', 'verifications.started', 'sandbox', 'day', ${new Date("2030-12-14T00:00:00Z")}, 3),
      (7, 'usage', 'verifications.started', 'sandbox', 'day', ${new Date("2030-11-30T00:00:00Z")}, 40)`.execute(
      store.db,
    );
    api = createApi({
      config: readApiConfig({ ONEKEY_API_OPERATORS: OPERATOR }),
      store: store.db,
      readModel: {
        organizations: async (limit: number, after?: bigint) =>
          ORGS.filter((o) => after === undefined || o.orgId > after).slice(0, limit),
      } as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
      plans: { current: () => inForce },
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () => {
    const res = await api.request("/v1/operator/organizations", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      data: { orgId: string; plan: { name: string }; month: string; verifications: unknown }[];
    };
  };

  it("counts this month's verifications.started per organization and says the figure is the rollups'", async () => {
    const { data } = await list();
    expect(data.map((o) => [o.orgId, o.month, o.verifications])).toEqual([
      ["1", "2030-12", { used: 5, quota: 100, source: "analytics" }],
      ["2", "2030-12", { used: 0, quota: 100, source: "analytics" }],
    ]);
  });

  it("shows the plans in force now: a changed plans file needs no restart", async () => {
    inForce = { ...PLANS, version: "two", organizations: { "2": "scale" } };
    const { data } = await list();
    expect(data[1]).toMatchObject({ orgId: "2", plan: { name: "scale" }, verifications: { used: 0, quota: null } });
  });
});
