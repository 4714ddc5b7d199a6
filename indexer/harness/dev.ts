/**
 * The indexer in the dev stack (`npm run dev`): Ponder with PGlite against the local chain,
 * reading deploy/deployments/local.json. The dev chain is new on every start, so is the indexer's
 * data (.dev/indexer, log in .dev/indexer/ponder.log).
 */
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/lib/processes.js";
import { startPonder } from "./ponder.js";

export interface DevIndexer {
  url: string;
  logFile: string;
  stop: () => Promise<void>;
}

export async function startDevIndexer(options: { rpcUrl: string; port?: number }): Promise<DevIndexer> {
  const dir = join(repoRoot, ".dev", "indexer");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ponder = await startPonder({
    rpcUrl: options.rpcUrl,
    deployBookDir: join(repoRoot, "deploy", "deployments"),
    database: { kind: "pglite" },
    schema: "dev",
    port: options.port,
    pgliteDirs: { ponder: join(dir, "pglite"), api: join(dir, "api-pglite") },
  });
  const logFile = join(dir, "ponder.log");
  const log = createWriteStream(logFile);
  log.write(ponder.logs());
  ponder.process.child.stdout?.pipe(log);
  ponder.process.child.stderr?.pipe(log);
  return { url: ponder.url, logFile, stop: () => ponder.stop({ keepData: true }) };
}
