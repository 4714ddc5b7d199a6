/**
 * An organization's monthly statement (billing/statement.ts) as JSON, or CSV with --csv, on stdout.
 * The organization's projects come from Ponder's views schema (ONEKEY_INDEXER_VIEWS_SCHEMA), the
 * usage from the rollups, the prices from billing/prices/ and the ETH price from the analytics
 * configuration. Run it again for a past month and the bytes are the same.
 *
 *   npm run billing:statement -w @onekey/indexer -- --org 1 --month 2026-11 [--csv]
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { readAnalyticsConfig, readRebuildConfig } from "../analytics/config.js";
import { loadPriceLists } from "../billing/priceList.js";
import { computeStatement, statementCsv, statementJson } from "../billing/statement.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

let code = 2;
try {
  const { values } = parseArgs({
    options: { org: { type: "string" }, month: { type: "string" }, csv: { type: "boolean", default: false } },
  });
  if (!values.org || !/^\d{1,20}$/.test(values.org)) throw new Error("--org must be an organization id");
  if (!values.month) throw new Error("--month YYYY-MM is required");
  const orgId = BigInt(values.org);
  const { viewsSchema } = readRebuildConfig();
  const analytics = readAnalyticsConfig();
  const store = openApiDb(readApiConfig().store);
  try {
    const { rows } = await sql<{ project_id: string }>`
      SELECT project_id::text FROM ${sql.table(`${viewsSchema}.projects`)} WHERE org_id = ${orgId.toString()}`.execute(
      store.db,
    );
    const statement = await computeStatement(store.db, {
      orgId,
      projectIds: rows.map((r) => BigInt(r.project_id)),
      month: values.month,
      priceLists: loadPriceLists(),
      prices: analytics.prices,
      now: new Date(),
    });
    process.stdout.write(values.csv ? statementCsv(statement) : statementJson(statement));
    code = 0;
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(`billing:statement could not run: ${(error as Error).message}`);
}
process.exit(code);
