/** Runs the issuer's versioned migrations (up to the latest, down one step, or to a named one). */
import { serviceMigrations } from "@onekey/service-kit/migrations";
import { migrations } from "./migrations/index.js";

export type { MigrationCommand } from "@onekey/service-kit/migrations";

// Bookkeeping lives beside the issuer's tables (search_path), never in another service's schema.
const issuer = serviceMigrations({ service: "Issuer", migrations, table: "issuer_migrations" });

export const { migrate, appliedMigrations } = issuer;
