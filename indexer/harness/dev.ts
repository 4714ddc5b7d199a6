/**
 * The indexer in the dev stack (`npm run dev`): Ponder against the local chain, reading
 * deploy/deployments/local.json, and the webhook worker. Webhooks need PostgreSQL: the stack
 * creates a fresh database on ONEKEY_DEV_POSTGRES_URL (default the local server) and drops it on
 * stop; without a reachable server it runs Ponder on PGlite and says that webhooks are off.
 * The dev chain is new on every start, so is the indexer's data (.dev/indexer, logs there).
 */
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@onekey/devnet/processes";
import { startPonder } from "./ponder.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { newEncryptionKey, startWorker, type WorkerProcess } from "./worker.js";

export interface DevIndexer {
  url: string;
  logFile: string;
  /** A line for the summary: where webhooks run, or why they do not. */
  webhooks: string;
  stop: () => Promise<void>;
}

const DEV_POSTGRES_URL = process.env.ONEKEY_DEV_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export async function startDevIndexer(options: {
  rpcUrl: string;
  port?: number;
  /** More environment for the API (e.g. the audit ingest token the key service presents). */
  env?: Record<string, string>;
  /** More environment for the webhook worker (e.g. the issuer's database its analytics rebuild reads). */
  workerEnv?: Record<string, string>;
}): Promise<DevIndexer> {
  const dir = join(repoRoot, ".dev", "indexer");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase("onekey_dev", DEV_POSTGRES_URL);
  } catch {
    database = undefined;
  }
  // A fresh key per run: it seals endpoint secrets, and this run's database is thrown away on stop.
  const encryptionKey = newEncryptionKey();
  const ponder = await startPonder({
    rpcUrl: options.rpcUrl,
    deployBookDir: join(repoRoot, "deploy", "deployments"),
    database: database ? { kind: "postgres", url: database.url } : { kind: "pglite" },
    schema: "dev",
    viewsSchema: database ? "onekey" : undefined,
    port: options.port,
    pgliteDirs: database ? undefined : { ponder: join(dir, "pglite"), api: join(dir, "api-pglite") },
    env: { ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey, ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0", ...options.env },
  });
  const logFile = join(dir, "ponder.log");
  const log = createWriteStream(logFile);
  log.write(ponder.logs());
  ponder.process.child.stdout?.pipe(log);
  ponder.process.child.stderr?.pipe(log);

  let worker: WorkerProcess | undefined;
  if (database) {
    worker = await startWorker({
      databaseUrl: database.url,
      encryptionKey,
      env: { ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0", ...options.workerEnv },
    });
    const workerLog = createWriteStream(join(dir, "webhooks.log"));
    workerLog.write(worker.logs());
    worker.process.child.stdout?.pipe(workerLog);
    worker.process.child.stderr?.pipe(workerLog);
  }
  return {
    url: ponder.url,
    logFile,
    webhooks: database
      ? `webhook worker on PostgreSQL database ${database.name} (0 confirmations; log .dev/indexer/webhooks.log)`
      : `off: no PostgreSQL at ONEKEY_DEV_POSTGRES_URL (Ponder runs on PGlite)`,
    stop: async () => {
      await worker?.stop();
      await ponder.stop({ keepData: !database });
      await database?.drop();
    },
  };
}
