/** Runs the API's versioned migrations (up to the latest, down one step, or to a named one). */
import type { Kysely } from "kysely";
import { type MigrationResultSet, Migrator, NO_MIGRATIONS } from "kysely/migration";
import { migrations } from "./migrations/index.js";

export type MigrationCommand = "latest" | "up" | "down" | "reset" | { to: string };

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any typed database handle
type AnyDb = Kysely<any>;

export function apiMigrator(db: AnyDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // The bookkeeping tables live beside the API's tables (search_path), never in Ponder's schema.
    migrationTableName: "api_migrations",
    migrationLockTableName: "api_migrations_lock",
  });
}

/** Applies `command`; throws with the failing migration's name when one fails (it rolls back). */
export async function migrate(db: AnyDb, command: MigrationCommand): Promise<MigrationResultSet> {
  const migrator = apiMigrator(db);
  const result =
    command === "latest"
      ? await migrator.migrateToLatest()
      : command === "up"
        ? await migrator.migrateUp()
        : command === "down"
          ? await migrator.migrateDown()
          : command === "reset"
            ? await migrator.migrateTo(NO_MIGRATIONS)
            : await migrator.migrateTo(command.to);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`API migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/** Names of the applied migrations, oldest first. */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const all = await apiMigrator(db).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
