/**
 * The operators' view across projects: each project's totals per metric over whole UTC days,
 * as one JSON line per project (analytics/query.ts), on the host with database access; operators
 * signed in to the API get the same from GET /v1/operator/analytics.
 *
 *   npm run analytics:report -w @onekey/indexer -- [--from 2026-11-01] [--to 2026-12-01]   (default: the last 30 days)
 */
import { parseArgs } from "node:util";
import { DAY_MS } from "../analytics/buckets.js";
import { readAcrossProjects } from "../analytics/query.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

let code = 2;
try {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
  const to = values.to ? new Date(values.to) : new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);
  const from = values.from ? new Date(values.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new Error("--from and --to must be dates (YYYY-MM-DD), --from before --to");
  }
  const store = openApiDb(readApiConfig().store);
  try {
    const projects = await readAcrossProjects(store.db, { from, to });
    for (const p of projects) console.log(JSON.stringify({ from: from.toISOString(), to: to.toISOString(), ...p }));
    console.error(`analytics report: ${projects.length} project(s)`);
    code = 0;
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(`analytics:report could not run: ${(error as Error).message}`);
}
process.exit(code);
