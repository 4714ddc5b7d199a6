/** Runs the API's versioned migrations (up to the latest, down one step, or to a named one). */
import { serviceMigrations } from "@onekey/service-kit/migrations";
import { migrations } from "./migrations/index.js";

export type { MigrationCommand } from "@onekey/service-kit/migrations";

// The bookkeeping tables live beside the API's tables (search_path), never in Ponder's schema.
const api = serviceMigrations({ service: "API", migrations, table: "api_migrations" });

export const { migrate, appliedMigrations } = api;
export const apiMigrator = api.migrator;
