/**
 * The issuer's own database: a schema (ISSUER_DATABASE_SCHEMA) in ISSUER_DATABASE_URL that no
 * other service writes. Every replica uses the same one, so what one replica records the others
 * see at once.
 */
import { CompiledQuery, type DatabaseConnection, Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { IssuerDatabase } from "./types.js";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface IssuerDb {
  db: Kysely<IssuerDatabase>;
  close(): Promise<void>;
}

/** Points every new connection at the issuer's schema, creating it on first use. */
function onCreateConnection(schema: string) {
  return async (connection: DatabaseConnection) => {
    await connection.executeQuery(CompiledQuery.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
    await connection.executeQuery(CompiledQuery.raw(`SET search_path TO "${schema}"`));
  };
}

export function openIssuerDb(url: string, schema: string): IssuerDb {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid issuer schema name "${schema}"`);
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: "onekey_issuer" });
  // A dropped connection must not take the process down; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<IssuerDatabase>({
    dialect: new PostgresDialect({ pool, onCreateConnection: onCreateConnection(schema) }),
  });
  return { db, close: () => db.destroy() };
}
