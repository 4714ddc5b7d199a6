/**
 * Monthly statements on PostgreSQL and PGlite, from seeded day rollups: line items priced by the
 * list in force for the month, the free tier, the gas margin and the prepaid budget's credit;
 * the same month twice gives the same bytes, and a list effective later leaves a past month alone;
 * `npm run billing:statement` (run as its own process) prints the same statement.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedPriceSource } from "../../analytics/config.js";
import { loadPriceLists, type PriceList, priceListFor, validatePriceLists } from "../../billing/priceList.js";
import { computeStatement, statementCsv, statementJson } from "../../billing/statement.js";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { type DbKind, openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const NOVEMBER: PriceList = {
  version: "test-2030-11",
  effectiveFrom: "2030-11",
  currency: "USD",
  verifications: { "*": { "*": "1.50", "2": "2.50" }, sumsub: { "2": "3.00" } },
  apiCalls: { freeTierPerMonth: 1000, per1000: "0.20" },
  webhookDelivery: "0.001",
  gas: { marginBasisPoints: 1000 },
};
/** A later list: doubles every price from January. */
const JANUARY: PriceList = {
  ...NOVEMBER,
  version: "test-2031-01",
  effectiveFrom: "2031-01",
  verifications: { "*": { "*": "3.00" } },
  webhookDelivery: "0.002",
};
const prices = fixedPriceSource("USD", 2000);
const NOW = new Date(Date.UTC(2031, 1, 15)); // 2031-02-15: November and December are past

async function seed(db: Kysely<ApiDatabase>) {
  const row = (project: number, metric: string, dimension: string, day: string, value: string) =>
    sql`(${project}, 'usage', ${metric}, ${dimension}, 'day', ${new Date(`${day}T00:00:00Z`)}, ${value})`;
  const rows = [
    // Organization 1: projects 7 and 8.
    row(7, "verifications.decided", "sumsub 2", "2030-11-03", "10"),
    row(8, "verifications.decided", "sumsub 2", "2030-11-20", "5"),
    row(7, "verifications.decided", "sandbox 2", "2030-11-03", "4"),
    row(7, "verifications.decided", "sandbox *", "2030-11-04", "2"),
    row(7, "api.calls", "GET /v1/consents 200", "2030-11-05", "1800"),
    row(8, "api.calls", "GET /v1/project 404", "2030-11-30", "701"),
    row(7, "api.calls", "GET /v1/consents 429", "2030-11-05", "99999"), // refused: not billed
    row(7, "webhook.deliveries", "delivered", "2030-11-05", "1234"),
    row(7, "webhook.deliveries", "failed", "2030-11-05", "50"), // not billed
    // 0.015 ETH at 2000 = 30.00 at cost
    sql`(7, 'cost', 'gas.sponsored', '', 'day', ${new Date("2030-11-06T00:00:00Z")}, 15000000000000000)`,
    // Outside the month, or another organization's project: not on the statement.
    row(7, "verifications.decided", "sumsub 2", "2030-10-31", "100"),
    row(7, "verifications.decided", "sumsub 2", "2030-12-01", "100"),
    row(9, "verifications.decided", "sumsub 2", "2030-11-03", "100"),
    // Hours are not read (the days hold them already).
    sql`(7, 'usage', 'verifications.decided', 'sumsub 2', 'hour', ${new Date("2030-11-03T05:00:00Z")}, 10)`,
  ];
  await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value)
            VALUES ${sql.join(rows)}`.execute(db);
}

describe("price lists", () => {
  it("the shipped lists validate, and a month uses the latest list not after it", () => {
    const shipped = loadPriceLists();
    expect(shipped.length).toBeGreaterThan(0);
    const lists = validatePriceLists([JANUARY, NOVEMBER]);
    expect(priceListFor(lists, "2030-10")).toBeUndefined();
    expect(priceListFor(lists, "2030-12")?.version).toBe("test-2030-11");
    expect(priceListFor(lists, "2031-01")?.version).toBe("test-2031-01");
  });

  it("refuses a list that does not price every verification, a float-like price, or two lists for one month", () => {
    expect(() => validatePriceLists([{ ...NOVEMBER, verifications: { sumsub: { "2": "1.00" } } }])).toThrow(
      /must price every verification/,
    );
    expect(() => validatePriceLists([{ ...NOVEMBER, webhookDelivery: "1e-3" }])).toThrow(/decimal string/);
    expect(() => validatePriceLists([NOVEMBER, { ...NOVEMBER, version: "other" }])).toThrow(/both start 2030-11/);
    const dir = mkdtempSync(join(tmpdir(), "onekey-prices-"));
    try {
      writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...NOVEMBER, effectiveFrom: "November" }));
      expect(() => loadPriceLists(dir)).toThrow(/Invalid price list bad\.json: effectiveFrom/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(["pglite", "postgres"] as DbKind[])("statements on %s", (kind) => {
  let t: TestApiDb;
  let db: Kysely<ApiDatabase>;
  beforeAll(async () => {
    t = await openTestApiDb(kind, "onekey_billing");
    db = t.store.db;
    await migrate(db, "latest");
    await seed(db);
  });
  afterAll(async () => {
    await t?.close();
  });

  const november = (priceLists: PriceList[]) =>
    computeStatement(db, { orgId: 1n, projectIds: [8n, 7n], month: "2030-11", priceLists, prices, now: NOW });

  it("prices the month's usage by the list in force, with the free tier, the gas margin and the budget's credit", async () => {
    const s = await november([NOVEMBER]);
    expect(s).toMatchObject({
      organization: "1",
      month: "2030-11",
      period: { from: "2030-11-01T00:00:00.000Z", to: "2030-12-01T00:00:00.000Z" },
      status: "closed",
      currency: "USD",
      priceList: { version: "test-2030-11", effectiveFrom: "2030-11" },
      ethPrice: { price: "2000.00", source: "fixed (ONEKEY_ANALYTICS_ETH_PRICE)" },
      projects: ["7", "8"],
    });
    expect(s.lines.map((l) => [l.item, l.detail, l.quantity, l.unitPrice, l.amount])).toEqual([
      ["verification", "sandbox *", "2", "1.50", "3.00"],
      ["verification", "sandbox 2", "4", "2.50", "10.00"], // "*" provider, level 2
      ["verification", "sumsub 2", "15", "3.00", "45.00"], // 10 + 5 across both projects
      ["api_calls", "2501 calls, 1000 free", "1501", "0.20", "0.30"], // 1501 / 1000 * 0.20 = 0.3002
      ["webhook_deliveries", "", "1234", "0.001", "1.23"], // 1.234
      ["gas", "15000000000000000 wei", "30.00", "1.10", "33.00"],
    ]);
    expect(s.subtotal).toBe("92.53");
    expect(s.credit.amount).toBe("30.00");
    expect(s.total).toBe("62.53");
  });

  it("gives the same bytes twice, and a list effective later does not change a past month", async () => {
    const first = await november([NOVEMBER]);
    const again = await november([NOVEMBER, JANUARY]);
    expect(statementJson(again)).toBe(statementJson(first));
    expect(statementCsv(again)).toBe(statementCsv(first));
    // The later list does price its own month.
    const january = await computeStatement(db, {
      orgId: 1n,
      projectIds: [7n],
      month: "2031-01",
      priceLists: [NOVEMBER, JANUARY],
      prices,
      now: NOW,
    });
    expect(january.priceList.version).toBe("test-2031-01");
    expect(january.lines).toEqual([]);
    expect(january.total).toBe("0.00");
  });

  it("writes CSV with RFC 4180 quoting, one shape for every row", async () => {
    const csv = statementCsv(await november([NOVEMBER]));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("organization,month,price_list,currency,item,detail,quantity,unit,unit_price,amount");
    expect(lines[4]).toBe(
      '1,2030-11,test-2030-11,USD,api_calls,"2501 calls, 1000 free",1501,"call above the free tier (priced per 1,000)",0.20,0.30',
    );
    expect(lines.slice(-4)).toEqual([
      "1,2030-11,test-2030-11,USD,subtotal,,,,,92.53",
      '1,2030-11,test-2030-11,USD,credit,"Gas paid from the prepaid on-chain budgets during the month, at cost",,,,-30.00',
      "1,2030-11,test-2030-11,USD,total,,,,,62.53",
      "",
    ]);
  });

  it("marks the current month open, refuses a future month, a bad month and a month before every list", async () => {
    const open = await computeStatement(db, {
      orgId: 1n,
      projectIds: [7n],
      month: "2031-02",
      priceLists: [NOVEMBER],
      prices,
      now: NOW,
    });
    expect(open.status).toBe("open");
    const base = { orgId: 1n, projectIds: [7n], priceLists: [NOVEMBER], prices, now: NOW };
    await expect(computeStatement(db, { ...base, month: "2031-03" })).rejects.toThrow(/future/);
    await expect(computeStatement(db, { ...base, month: "2030-13" })).rejects.toThrow(/YYYY-MM/);
    await expect(computeStatement(db, { ...base, month: "2030-10" })).rejects.toThrow(/no price list/);
    // Gas without a configured ETH price cannot be priced: said, never billed as 0.
    await expect(computeStatement(db, { ...base, month: "2030-11", prices: undefined })).rejects.toThrow(
      /no ETH price is configured/,
    );
  });
});

describe("billing:statement command (PostgreSQL)", () => {
  let t: TestApiDb;
  const indexerRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--conditions=@onekey/source", "--import", "tsx", join("scripts", "billing-statement.ts"), ...args],
        {
          cwd: indexerRoot,
          timeout: 60_000,
          env: {
            ...process.env,
            ONEKEY_NETWORK: "local",
            ONEKEY_INDEXER_DATABASE_URL: t.url as string,
            ONEKEY_API_SCHEMA: t.schema,
            ONEKEY_INDEXER_VIEWS_SCHEMA: "test_billing_views",
            ONEKEY_ANALYTICS_ETH_PRICE: "2000",
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    t = await openTestApiDb("postgres", "onekey_billing_command");
    await migrate(t.store.db, "latest");
    // A past month by the wall clock (the command prices with the real time and the shipped lists).
    await sql`INSERT INTO analytics_rollups (project_id, family, metric, dimension, granularity, bucket_start, value) VALUES
      (7, 'usage', 'verifications.decided', 'sumsub 2', 'day', ${new Date("2026-10-03T00:00:00Z")}, 3),
      (8, 'usage', 'webhook.deliveries', 'delivered', 'day', ${new Date("2026-10-04T00:00:00Z")}, 40),
      (7, 'cost', 'gas.sponsored', '', 'day', ${new Date("2026-10-05T00:00:00Z")}, 1000000000000000),
      (9, 'usage', 'verifications.decided', 'sumsub 2', 'day', ${new Date("2026-10-03T00:00:00Z")}, 500)`.execute(
      t.store.db,
    );
    // Ponder's projects as the views schema shows them (the columns the command reads).
    await sql`CREATE SCHEMA test_billing_views`.execute(t.store.db);
    await sql`CREATE TABLE test_billing_views.projects (project_id numeric(78,0) PRIMARY KEY, org_id numeric(78,0) NOT NULL)`.execute(
      t.store.db,
    );
    await sql`INSERT INTO test_billing_views.projects VALUES (7, 1), (8, 1), (9, 2)`.execute(t.store.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("prints the organization's statement with the shipped price list, the same bytes each run, JSON or CSV", async () => {
    const expected = await computeStatement(t.store.db, {
      orgId: 1n,
      projectIds: [7n, 8n],
      month: "2026-10",
      priceLists: loadPriceLists(),
      prices,
      now: new Date(),
    });
    expect(expected.projects).toEqual(["7", "8"]);
    expect(expected.lines.map((l) => l.item)).toEqual(["verification", "webhook_deliveries", "gas"]);
    const first = await run(["--org", "1", "--month", "2026-10"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(statementJson(expected));
    expect((await run(["--org", "1", "--month", "2026-10"])).stdout).toBe(first.stdout);
    const csv = await run(["--org", "1", "--month", "2026-10", "--csv"]);
    expect(csv.stdout).toBe(statementCsv(expected));
    const bad = await run(["--org", "1", "--month", "November"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("month must be YYYY-MM");
  });
});
