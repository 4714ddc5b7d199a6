/**
 * Versioned migrations for a service's own tables (Kysely's Migrator): up to the latest, one step
 * up or down, back to nothing, or to a named migration. Each service keeps its bookkeeping tables
 * under its own names beside its tables (search_path), never in another service's schema.
 */
import type { Kysely } from "kysely";
import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS } from "kysely/migration";

export type MigrationCommand = "latest" | "up" | "down" | "reset" | { to: string };

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any typed database handle
type AnyDb = Kysely<any>;

export interface ServiceMigrations {
  migrator(db: AnyDb): Migrator;
  /** Applies `command`; throws with the failing migration's name when one fails (it rolls back). */
  migrate(db: AnyDb, command: MigrationCommand): Promise<MigrationResultSet>;
  /** Names of the applied migrations, oldest first. */
  appliedMigrations(db: AnyDb): Promise<string[]>;
}

export function serviceMigrations(options: {
  /** Named in errors, e.g. "API" or "Issuer". */
  service: string;
  migrations: Record<string, Migration>;
  /** The bookkeeping table; its lock table is `<table>_lock`. */
  table: string;
}): ServiceMigrations {
  const migrator = (db: AnyDb) =>
    new Migrator({
      db,
      provider: { getMigrations: async () => options.migrations },
      migrationTableName: options.table,
      migrationLockTableName: `${options.table}_lock`,
    });
  return {
    migrator,
    async migrate(db, command) {
      const runner = migrator(db);
      const result =
        command === "latest"
          ? await runner.migrateToLatest()
          : command === "up"
            ? await runner.migrateUp()
            : command === "down"
              ? await runner.migrateDown()
              : command === "reset"
                ? await runner.migrateTo(NO_MIGRATIONS)
                : await runner.migrateTo(command.to);
      if (result.error) {
        const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
        throw new Error(`${options.service} migration ${failed} failed: ${String(result.error)}`, {
          cause: result.error,
        });
      }
      return result;
    },
    async appliedMigrations(db) {
      const all = await migrator(db).getMigrations();
      return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
    },
  };
}
