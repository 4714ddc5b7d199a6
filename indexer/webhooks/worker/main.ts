/**
 * The webhook worker: `npm run worker -w @onekey/indexer` (or `tsx webhooks/worker/main.ts`). Run
 * as many as the load needs against one PostgreSQL; see indexer/WEBHOOKS.md.
 */
import { watchFlags } from "@onekey/deploy";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { readRebuildConfig } from "../../analytics/config.js";
import { openIssuerSource, rebuildAnalytics, recentDays } from "../../analytics/rebuild.js";
import { setProcessAuditChainKeys } from "../../db/auditKeys.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { readSecurityConfig } from "../../security/config.js";
import { runSecurityScan } from "../../security/scan.js";
import { wakeChannel } from "../policy.js";
import { readWorkerConfig } from "./config.js";
import { Deliverer, WORKER_SESSION_NAME } from "./deliverer.js";
import { createWorkerHealth, serveHealth, stallMsFor } from "./health.js";
import { createWorkerMetrics, serveMetrics } from "./metrics.js";
import { Pipeline } from "./pipeline.js";
import { Sender } from "./sender.js";

const config = readWorkerConfig();
const security = readSecurityConfig(process.env);
const analytics = readRebuildConfig(process.env);
const logger = createLogger(config.logLevel, "onekey-webhooks");
// Deliveries and the security scan write audit entries: sealed with the keys the configuration read.
setProcessAuditChainKeys(config.auditChain);
logger.log("info", "audit chain", { format: config.auditChain ? 2 : 1, keyId: config.auditChain?.currentKid });
// Read now (a bad file stops the start) and on every change (a bad change keeps the last good set).
const flags = watchFlags(config.flagsFile, {
  onChange: () => logger.log("info", "feature flags reloaded", { flagsFile: config.flagsFile }),
  onError: (error) =>
    logger.log("error", "feature flags unchanged: the changed file is invalid", { error: error.message }),
});
// Every connection starts in the API's schema (set at connect time, before any query can run).
const connection = { connectionString: config.databaseUrl, options: `-c search_path=${config.apiSchema}` };

const pool = new pg.Pool({ ...connection, max: 8, application_name: "onekey_webhooks" });
pool.on("error", (error) =>
  logger.log("error", "database connection lost", { errorCode: (error as { code?: string }).code }),
);
const db = new Kysely<ApiDatabase>({ dialect: new PostgresDialect({ pool }) });

// The session that names this worker's leases: it LISTENs for due deliveries and lives as long
// as the process, so its backend pid disappears exactly when the worker does.
const session = new pg.Client({ ...connection, application_name: WORKER_SESSION_NAME });
await session.connect();
const pid = (await session.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid as number;
await session.query(`LISTEN "${wakeChannel(config.apiSchema)}"`);

const sender = new Sender(config.timeoutMs, config.mode);
const pipeline = new Pipeline(db, config);
const metrics = createWorkerMetrics();
const deliverer = new Deliverer(db, config, sender, logger, pid, metrics);
const metricsServer = config.metrics
  ? await serveMetrics(metrics, config.metrics.port, config.metrics.host)
  : undefined;
// GET /livez (both loops below keep running) and /readyz (the database answers), when asked for.
const health = createWorkerHealth({ db, loops: ["pipeline", "claims"], stallMs: stallMsFor(config.pollMs) });
const healthServer = config.health ? await serveHealth(health, config.health.port, config.health.host) : undefined;

let stopping = false;
let claiming = false;
let claimAgain = false;

/** Claims while there is work and room; coalesces wake-ups that arrive meanwhile. */
async function claimLoop(): Promise<void> {
  if (claiming) {
    claimAgain = true;
    return;
  }
  claiming = true;
  try {
    do {
      claimAgain = false;
      while (!stopping && deliverer.free > 0) {
        const want = deliverer.free;
        const got = await deliverer.claimAndSend();
        // Alive while it works: under a steady backlog this loop may not end for a long time.
        health.tick("claims");
        if (got < want) break;
      }
    } while (claimAgain && !stopping);
  } catch (error) {
    logger.log("error", "claiming deliveries failed", { errorCode: (error as { code?: string }).code });
  } finally {
    claiming = false;
    health.tick("claims");
  }
}

let passing = false;
async function pipelinePass(): Promise<void> {
  if (passing || stopping) return;
  passing = true;
  try {
    const result = await pipeline.pass();
    if (result.latestBlock !== undefined) metrics.lagBlocks.set(Number(result.latestBlock));
    if (result.ingested || result.released || result.retracted || result.expired || result.trailed) {
      logger.log("debug", "pipeline pass", {
        ingested: result.ingested,
        released: result.released,
        retracted: result.retracted,
        expired: result.expired,
        trailed: result.trailed,
        latestBlock: result.latestBlock?.toString(),
        finalizedBlock: result.finalizedBlock?.toString(),
      });
    }
  } catch (error) {
    logger.log("error", "pipeline pass failed", { errorCode: (error as { code?: string }).code });
  } finally {
    passing = false;
    health.tick("pipeline");
  }
}

let scanning = false;
/** Rules already reported as skipped: said once, not every scan. */
const skippedRules = new Set<string>();
/** The security rules over the audit trail; new incidents' events are claimed at once. */
async function securityScan(): Promise<void> {
  if (scanning || stopping) return;
  scanning = true;
  try {
    const result = await runSecurityScan(db, {
      config: security,
      chainId: config.chainId,
      flags,
      chainSchema: config.viewsSchema,
      // The analytics rebuild's connection to the issuer's database (declared below, opened at start).
      issuerDb: issuerSource,
    });
    for (const { rule, reason } of result.skipped) {
      if (skippedRules.has(rule)) continue;
      skippedRules.add(rule);
      logger.log("warn", "security rule skipped", { rule, reason });
    }
    for (const alert of result.raised) {
      logger.log("warn", "security alert", { alertId: alert.id, rule: alert.rule, severity: alert.severity });
    }
    // A unique violation is two workers raising the same incident at once: the other's finding
    // joins it next scan. Anything else is a rule that cannot run.
    for (const { rule, errorCode } of result.failed) {
      logger.log(errorCode === "23505" ? "info" : "error", "security rule failed", { rule, errorCode });
    }
    if (result.raised.length > 0) void claimLoop();
  } catch (error) {
    // The rules run one by one (a failing rule is in result.failed); this is the store itself failing.
    logger.log("error", "security scan failed", { errorCode: (error as { code?: string }).code });
  } finally {
    scanning = false;
  }
}

const issuerSource = analytics.issuerDatabaseUrl
  ? openIssuerSource(analytics.issuerDatabaseUrl, analytics.issuerSchema)
  : undefined;
let rebuilding = false;
/** The derived analytics of the recent days, replaced from their sources (analytics/rebuild.ts). */
async function analyticsRebuild(): Promise<void> {
  if (rebuilding || stopping) return;
  rebuilding = true;
  try {
    const sources = { views: config.viewsSchema, issuer: issuerSource };
    await rebuildAnalytics(db, sources, recentDays(analytics.days));
  } catch (error) {
    // Ponder's views not created yet, the issuer's database away: the next run tries again.
    logger.log("warn", "analytics rebuild failed", { errorCode: (error as { code?: string }).code });
  } finally {
    rebuilding = false;
  }
}

session.on("notification", () => void claimLoop());
session.on("error", (error) => {
  // Without its session this worker cannot hold leases safely: exit and let the supervisor restart it.
  logger.log("error", "worker session lost; exiting", { errorCode: (error as { code?: string }).code });
  process.exit(1);
});
// Claim in batches: once a quarter of the slots are free, or at once when the worker is idle.
// One claim per finished request would cost a query per delivery.
const claimBatch = Math.max(1, Math.floor(config.concurrency / 4));
deliverer.onSlotFree = () => {
  if (deliverer.free >= claimBatch || deliverer.inFlight === 0) void claimLoop();
};

const timers = [
  setInterval(() => void pipelinePass(), config.pollMs),
  setInterval(() => void claimLoop(), config.pollMs),
  setInterval(() => void securityScan(), security.scanSeconds * 1000),
  setInterval(() => void analyticsRebuild(), analytics.everySeconds * 1000),
  setInterval(() => {
    deliverer.countWorkers().catch(() => undefined);
    deliverer.countDue().catch(() => undefined);
    deliverer.reap().then(
      (n) => n > 0 && logger.log("info", "requeued deliveries of a stopped worker", { count: n }),
      () => undefined,
    );
  }, 1_000),
];

await deliverer.reap();
await deliverer.countWorkers();
await pipelinePass();
void claimLoop();
logger.log("info", "webhook worker started", {
  pid: process.pid,
  sessionPid: pid,
  concurrency: config.concurrency,
  mode: config.mode,
  retries: config.retrySchedule.length,
  metricsPort: config.metrics?.port,
  healthPort: config.health?.port,
});

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const t of timers) clearInterval(t);
  logger.log("info", "webhook worker stopping", { signal, inFlight: deliverer.inFlight });
  await deliverer.drain();
  await sender.close();
  metricsServer?.close();
  healthServer?.close();
  await session.end().catch(() => undefined);
  await issuerSource?.destroy().catch(() => undefined);
  await db.destroy();
  logger.log("info", "webhook worker stopped", { ...deliverer.stats });
  process.exit(0);
}
process.once("SIGTERM", () => void stop("SIGTERM"));
process.once("SIGINT", () => void stop("SIGINT"));
