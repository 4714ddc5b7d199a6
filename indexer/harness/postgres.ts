/** Throw-away databases on the local PostgreSQL (127.0.0.1:5432, trust auth). */
import { randomBytes } from "node:crypto";
import pg from "pg";

const ADMIN_URL = process.env.ONEKEY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>, adminUrl = ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database named `<prefix>_<random>`; `drop()` removes it, closing leftover sessions. */
export async function createTestDatabase(prefix = "onekey_indexer", adminUrl = ADMIN_URL): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`), adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      admin(async (c) => {
        // Let closing clients finish first: a forced drop kills their sockets mid-goodbye, and the
        // client then reports the termination as an unhandled error.
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          const { rows } = await c.query<{ n: string }>(
            "select count(*) as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0]?.n === "0") break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }, adminUrl),
  };
}
