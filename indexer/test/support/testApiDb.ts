/** A throw-away API database for db tests: a fresh PostgreSQL database or PGlite directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiDb, openApiDb } from "../../db/open.js";
import { createTestDatabase } from "../../harness/postgres.js";

export type DbKind = "postgres" | "pglite";

export interface TestApiDb {
  store: ApiDb;
  /** PostgreSQL only: where a child process finds the same database. */
  url?: string;
  schema: string;
  close(): Promise<void>;
}

export async function openTestApiDb(kind: DbKind, prefix: string): Promise<TestApiDb> {
  if (kind === "postgres") {
    const database = await createTestDatabase(prefix);
    const schema = "onekey_api_test";
    const store = openApiDb({ kind: "postgres", url: database.url, schema });
    return {
      store,
      url: database.url,
      schema,
      close: async () => {
        await store.close();
        await database.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const store = openApiDb({ kind: "pglite", directory: dir });
  return {
    store,
    schema: "onekey_api",
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
