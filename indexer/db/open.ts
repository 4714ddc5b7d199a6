/**
 * The API's own database: a schema in the indexer's PostgreSQL (ONEKEY_INDEXER_DATABASE_URL) that Ponder never
 * touches, or, without ONEKEY_INDEXER_DATABASE_URL, an embedded PGlite of its own (Ponder's PGlite cannot be
 * shared). The same migrations and queries run on both.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PGliteDialect,
  type PGliteDialectConfig,
  PostgresDialect,
} from "kysely";
import pg from "pg";
import type { ApiDatabase } from "./tables.js";

export type ApiDbTarget = { kind: "postgres"; url: string; schema: string } | { kind: "pglite"; directory: string };

export interface ApiDb {
  db: Kysely<ApiDatabase>;
  target: ApiDbTarget;
  close(): Promise<void>;
}

type KyselyPGlite = Exclude<PGliteDialectConfig["pglite"], (...args: never[]) => unknown>;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Points every new connection at the API schema, creating it on first use. */
function onCreateConnection(schema: string) {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid API schema name "${schema}"`);
  return async (connection: DatabaseConnection) => {
    await connection.executeQuery(CompiledQuery.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
    await connection.executeQuery(CompiledQuery.raw(`SET search_path TO "${schema}"`));
  };
}

/** A simple FIFO lock: PGlite has one connection, so each query or transaction takes turns. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

/**
 * Kysely's PGlite driver hands the single connection to everyone, so a query issued while another
 * request holds a transaction would run inside it. Serialising acquire/release fixes that.
 */
class SerializedDialect extends PGliteDialect {
  override createDriver(): Driver {
    const inner = super.createDriver();
    const mutex = new Mutex();
    const releases = new Map<DatabaseConnection, () => void>();
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === "acquireConnection") {
          return async () => {
            const release = await mutex.lock();
            const connection = await target.acquireConnection();
            releases.set(connection, release);
            return connection;
          };
        }
        if (prop === "releaseConnection") {
          return async (connection: DatabaseConnection) => {
            await target.releaseConnection(connection);
            releases.get(connection)?.();
            releases.delete(connection);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

export function openApiDb(target: ApiDbTarget): ApiDb {
  let dialect: Dialect;
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 5, application_name: "onekey_api" });
    dialect = new PostgresDialect({ pool, onCreateConnection: onCreateConnection(target.schema) });
  } else {
    mkdirSync(target.directory, { recursive: true });
    dialect = new SerializedDialect({
      // PGlite 0.2 (the version Ponder pins) types transaction() as possibly undefined; same runtime API.
      pglite: () => new PGlite(target.directory) as unknown as KyselyPGlite,
      onCreateConnection: onCreateConnection("onekey_api"),
    });
  }
  const db = new Kysely<ApiDatabase>({ dialect });
  return { db, target, close: () => db.destroy() };
}
