/**
 * Runs the webhook worker as a child process (as production does) and waits until it has
 * started. Used by the tests, the benchmark and the dev stack.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type Managed, startProcess, waitFor } from "@onekey/devnet/processes";
import { indexerRoot } from "./ponder.js";

export interface WorkerOptions {
  databaseUrl: string;
  /** Hex key shared with the API that sealed the endpoint secrets. */
  encryptionKey: string;
  viewsSchema?: string;
  /** Extra ONEKEY_WEBHOOK_* settings. */
  env?: Record<string, string>;
  echo?: boolean;
}

export interface WorkerProcess {
  process: Managed;
  logs: () => string;
  stop: () => Promise<void>;
  /** SIGKILL: no drain, no goodbye (the crash the tests recover from). */
  kill: () => Promise<void>;
}

export const newEncryptionKey = () => randomBytes(32).toString("hex");

export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  // "@onekey/source": @onekey/sdk from its TypeScript source (see .npmrc), also when not started through npm.
  const nodeArgs = ["--conditions=@onekey/source", "--import", "tsx", join("webhooks", "worker", "main.ts")];
  const child = startProcess(process.execPath, nodeArgs, {
    cwd: indexerRoot,
    echo: options.echo,
    env: {
      ONEKEY_NETWORK: "local",
      ONEKEY_INDEXER_DATABASE_URL: options.databaseUrl,
      ONEKEY_INDEXER_VIEWS_SCHEMA: options.viewsSchema ?? "onekey",
      ONEKEY_WEBHOOK_ENCRYPTION_KEY: options.encryptionKey,
      ...options.env,
    },
  });
  await waitFor(
    "webhook worker to start",
    async () => {
      if (child.child.exitCode !== null) throw new Error(`webhook worker exited:\n${child.output()}`);
      return child.output().includes('"webhook worker started"') ? true : undefined;
    },
    60_000,
  ).catch(async (error) => {
    await child.stop();
    throw error;
  });
  return {
    process: child,
    logs: child.output,
    stop: child.stop,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.child.exitCode !== null || child.child.signalCode !== null) return resolve();
        child.child.once("exit", () => resolve());
        process.kill(-(child.child.pid as number), "SIGKILL");
      }),
  };
}
