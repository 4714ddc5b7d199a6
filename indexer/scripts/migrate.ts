/**
 * The API's migrations by hand (the API also migrates to the latest version on start unless
 * ONEKEY_API_MIGRATE_ON_START=false). Uses the same environment as the API (ONEKEY_INDEXER_DATABASE_URL,
 * ONEKEY_API_SCHEMA, ONEKEY_API_PGLITE_DIR).
 *
 *   npm run migrate -w @onekey/indexer -- status
 *   npm run migrate -w @onekey/indexer -- latest | up | down | reset
 *   npm run migrate -w @onekey/indexer -- to 0001_auth
 */

import { apiMigrator, type MigrationCommand, migrate } from "../db/migrator.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

const [command = "status", target] = process.argv.slice(2);
const store = openApiDb(readApiConfig().store);
try {
  if (command === "status") {
    for (const m of await apiMigrator(store.db).getMigrations()) {
      console.log(
        `${m.executedAt ? "applied" : "pending"}  ${m.name}${m.executedAt ? `  ${m.executedAt.toISOString()}` : ""}`,
      );
    }
  } else {
    const known = ["latest", "up", "down", "reset"];
    if (!known.includes(command) && !(command === "to" && target)) {
      throw new Error(`Unknown command "${command}": use status, latest, up, down, reset or "to <name>"`);
    }
    const parsed: MigrationCommand = command === "to" ? { to: target as string } : (command as MigrationCommand);
    const result = await migrate(store.db, parsed);
    for (const r of result.results ?? []) console.log(`${r.direction.toLowerCase()}  ${r.migrationName}  ${r.status}`);
    if (!result.results?.length) console.log("nothing to do");
  }
} finally {
  await store.close();
}
