/**
 * Runs the indexer as a child process (`ponder start`, or `ponder serve` for a read replica) the
 * way production does, on 127.0.0.1, and waits until it serves. Used by the tests, the benchmark
 * and the dev stack.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort, type Managed, startProcess, waitFor } from "@onekey/devnet/processes";
import { indexerRoot, ponderCli } from "../scripts/services.js";

export { indexerRoot };

export type DatabaseChoice = { kind: "pglite" } | { kind: "postgres"; url: string };

export interface PonderOptions {
  command?: "start" | "serve";
  rpcUrl: string;
  wsUrl?: string;
  /** Directory holding local.json (the deployment book entry of the chain). */
  deployBookDir: string;
  database: DatabaseChoice;
  /** Ponder's schema (a new one per deployment). */
  schema: string;
  viewsSchema?: string;
  /** Extra environment (ONEKEY_* API settings). */
  env?: Record<string, string>;
  /** Ponder's log level (default info). */
  logLevel?: "error" | "warn" | "info" | "debug" | "trace";
  /** Port to ask for (Ponder takes the next free one if it is busy); a free one by default. */
  port?: number;
  /** Reuse these PGlite directories (a restart); fresh temporary ones by default. */
  pgliteDirs?: { ponder: string; api: string };
  echo?: boolean;
}

export interface PonderProcess {
  url: string;
  port: number;
  process: Managed;
  pgliteDirs?: { ponder: string; api: string };
  /** Everything the process printed (stdout and stderr), for log assertions. */
  logs: () => string;
  /** Latest indexed block per /status. */
  indexedBlock: () => Promise<number>;
  waitForBlock: (block: number | bigint, timeoutMs?: number) => Promise<void>;
  /** Stops the process; removes temporary PGlite directories unless `keepData`. */
  stop: (options?: { keepData?: boolean }) => Promise<void>;
}

export async function startPonder(options: PonderOptions): Promise<PonderProcess> {
  const requestedPort = options.port ?? (await freePort());
  let pgliteDirs = options.pgliteDirs;
  const ownsDirs = options.database.kind === "pglite" && !pgliteDirs;
  if (options.database.kind === "pglite" && !pgliteDirs) {
    const base = mkdtempSync(join(tmpdir(), "onekey-ponder-"));
    pgliteDirs = { ponder: join(base, "pglite"), api: join(base, "api-pglite") };
  }
  const command = options.command ?? "start";
  const args = [ponderCli(), command, "--schema", options.schema, "-H", "127.0.0.1", "-p", String(requestedPort)];
  if (options.viewsSchema && command === "start") args.push("--views-schema", options.viewsSchema);
  args.push("--log-format", "json", "--log-level", options.logLevel ?? "info");
  const env: Record<string, string> = {
    ONEKEY_NETWORK: "local",
    ONEKEY_RPC_URL: options.rpcUrl,
    ONEKEY_DEPLOY_BOOK_DIR: options.deployBookDir,
    ...(options.wsUrl ? { ONEKEY_INDEXER_WS_URL: options.wsUrl } : {}),
    // Empty means unset: an ONEKEY_INDEXER_DATABASE_URL inherited from the caller must not win over PGlite.
    ONEKEY_INDEXER_DATABASE_URL: options.database.kind === "postgres" ? options.database.url : "",
    DATABASE_PRIVATE_URL: "",
    ...(pgliteDirs ? { ONEKEY_INDEXER_PGLITE_DIR: pgliteDirs.ponder, ONEKEY_API_PGLITE_DIR: pgliteDirs.api } : {}),
    ...options.env,
  };
  const child = startProcess(process.execPath, args, { cwd: indexerRoot, env, echo: options.echo });
  let all = "";
  child.child.stdout?.on("data", (chunk: Buffer) => {
    all += chunk.toString();
  });
  child.child.stderr?.on("data", (chunk: Buffer) => {
    all += chunk.toString();
  });

  const cleanup = () => {
    if (ownsDirs && pgliteDirs) rmSync(dirname(pgliteDirs.ponder), { recursive: true, force: true });
  };
  let port: number;
  try {
    // Ponder moves to the next port when one is taken: the log says which it bound.
    const listening = await waitFor(
      `ponder ${command} to listen`,
      async () => {
        // An exit ends the wait at once (a thrown error would only be retried until the timeout).
        if (child.child.exitCode !== null || child.child.signalCode !== null) return { exited: true as const };
        const line = all.split("\n").find((l) => l.includes('"Created HTTP server"'));
        return line ? { port: (JSON.parse(line) as { port: number }).port } : undefined;
      },
      180_000,
    );
    if ("exited" in listening) throw new Error(`ponder ${command} exited:\n${all.slice(-4000)}`);
    port = listening.port;
  } catch (error) {
    await child.stop();
    cleanup();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const indexedBlock = async () => {
    const res = await fetch(`${url}/status`);
    if (!res.ok) return -1;
    const status = (await res.json()) as Record<string, { block?: { number: number } }>;
    return status.onekey?.block?.number ?? -1;
  };
  return {
    url,
    port,
    process: child,
    pgliteDirs,
    logs: () => all,
    indexedBlock,
    waitForBlock: async (block, timeoutMs = 60_000) => {
      const outcome = await waitFor(
        `block ${block} indexed`,
        async () => {
          if (child.child.exitCode !== null) return "exited";
          return (await indexedBlock()) >= Number(block) ? "indexed" : undefined;
        },
        timeoutMs,
      );
      if (outcome === "exited") throw new Error(`ponder exited:\n${all.slice(-4000)}`);
    },
    stop: async ({ keepData = false } = {}) => {
      await child.stop();
      if (!keepData) cleanup();
    },
  };
}
