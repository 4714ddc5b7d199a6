/**
 * Rebuilds the derived analytics of whole UTC days from their sources (analytics/rebuild.ts), with
 * the API's environment; run it after a re-index into a new Ponder schema, or for a past range.
 * The webhook worker rebuilds the recent days on its own every ONEKEY_ANALYTICS_REBUILD_SECONDS.
 *
 *   npm run analytics:rebuild -w @onekey/indexer -- [--from 2026-11-01] [--to 2026-12-01] [--days 2]
 */
import { parseArgs } from "node:util";
import { readRebuildConfig } from "../analytics/config.js";
import { openIssuerSource, rebuildAnalytics, recentDays } from "../analytics/rebuild.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

let code = 2;
try {
  const { values } = parseArgs({
    options: { from: { type: "string" }, to: { type: "string" }, days: { type: "string" } },
  });
  const rebuild = readRebuildConfig();
  const range =
    values.from !== undefined
      ? { from: new Date(values.from), to: values.to ? new Date(values.to) : new Date() }
      : recentDays(values.days ? Number(values.days) : rebuild.days);
  if (Number.isNaN(range.from.getTime()) || Number.isNaN(range.to.getTime()) || range.from >= range.to) {
    throw new Error("--from and --to must be dates (YYYY-MM-DD), --from before --to");
  }
  const api = readApiConfig();
  const store = openApiDb(api.store);
  const issuer = rebuild.issuerDatabaseUrl
    ? openIssuerSource(rebuild.issuerDatabaseUrl, rebuild.issuerSchema)
    : undefined;
  try {
    // Ponder's views exist only on PostgreSQL; on PGlite the chain's figures are not derived.
    const views = api.store.kind === "postgres" ? rebuild.viewsSchema : undefined;
    const result = await rebuildAnalytics(store.db, { views, issuer }, range);
    console.log(
      `analytics rebuilt ${result.from.toISOString()} .. ${result.to.toISOString()} from ${result.sources.join(", ")}: ${result.hourRows} hour rows`,
    );
    code = 0;
  } finally {
    await store.close();
    await issuer?.destroy();
  }
} catch (error) {
  console.error(`analytics:rebuild could not run: ${(error as Error).message}`);
}
process.exit(code);
