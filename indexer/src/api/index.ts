/**
 * Ponder's API entry: the tenant API over the indexed tables, plus GraphQL over the public
 * tables only. Deliberately absent: Ponder's `/sql/*` client and GraphQL over every table,
 * which would let anyone read which subjects consent to which project.
 */
import { db, publicClients } from "ponder:api";
import { issuers, organizations, projects } from "ponder:schema";
import { contractOf, SIMPLE_ACCOUNT_FACTORY_V07 } from "@onekey/deploy";
import { createSignatureVerifier } from "@onekey/service-kit/signatures";
import { Redis } from "ioredis";
import { graphql } from "ponder";
import { createPublicClient, http, type PublicClient } from "viem";
import { readAnalyticsConfig } from "../../analytics/config.js";
import { openIssuerSource } from "../../analytics/rebuild.js";
import { RollupRecorder } from "../../analytics/recorder.js";
import { watchPlans } from "../../billing/plans.js";
import { setProcessAuditChainKeys } from "../../db/auditKeys.js";
import { migrate } from "../../db/migrator.js";
import { openApiDb } from "../../db/open.js";
import { readIndexerEnv } from "../../lib/env.js";
import { createLogger } from "../../lib/logger.js";
import { deployment } from "../lib/sources.js";
import { createApi } from "./app.js";
import { readApiConfig } from "./config.js";
import { startChainClock } from "./http/chainClock.js";
import { registerHealthRoutes } from "./http/health.js";
import { createMetrics } from "./http/metrics.js";
import { createPonderReadModel } from "./ponderReadModel.js";

const config = readApiConfig();
const logger = createLogger(config.logLevel, "onekey-api");
// Every audit entry this process writes is sealed with the keys its configuration read.
setProcessAuditChainKeys(config.auditChain);
logger.log("info", "audit chain", { format: config.auditChain ? 2 : 1, keyId: config.auditChain?.currentKid });
const store = openApiDb(config.store);
if (config.migrateOnStart) {
  const result = await migrate(store.db, "latest");
  const applied = result.results?.map((r) => r.migrationName) ?? [];
  logger.log("info", "api migrations current", { applied, store: config.store.kind });
}

// Its own client, not Ponder's: Ponder's JSON-RPC queue is rate-limited and meant for indexing.
const chain = createPublicClient({ transport: http(readIndexerEnv().rpcUrl) });
const chainClock = startChainClock(async () => (await chain.getBlock()).timestamp);

// Fail fast while Redis is away (no offline queue): the limiter then counts in memory.
const redis = config.redis
  ? new Redis(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  : undefined;
// One line per outage, not one per reconnect attempt.
let redisDown = false;
redis?.on("error", (error) => {
  if (!redisDown) logger.log("warn", "redis unavailable: rate limits count per process", { error: error.message });
  redisDown = true;
});
redis?.on("ready", () => {
  if (redisDown) logger.log("info", "redis back: rate limits shared again");
  redisDown = false;
});
if (!redis) logger.log("info", "rate limits count per process (set ONEKEY_REDIS_URL to share them across replicas)");

// Each project's API calls, added to the rollups every 5 s (a crash loses at most that much).
const recorder = new RollupRecorder(store.db, {
  onError: (error) =>
    logger.log("warn", "analytics flush failed; kept for the next", { errorCode: (error as { code?: string }).code }),
}).start();

// Organizations' plans (ONEKEY_PLANS_FILE, the issuer's file): read now (a bad file stops the
// start) and again whenever the file changes, as the issuer does, so both enforce the same plans.
const plans = watchPlans(config.plansFile, {
  onChange: (p) => logger.log("info", "plans reloaded", { plansFile: config.plansFile, version: p.version }),
  onError: (error) =>
    logger.log("error", "plans unchanged: the changed file is invalid", {
      plansFile: config.plansFile,
      error: error.message,
    }),
});

const app = createApi({
  config,
  store: store.db,
  redis,
  readModel: createPonderReadModel(db),
  // EOAs recover locally; contract accounts (ERC-1271, ERC-6492) are checked on the chain, and a
  // SimpleAccount v0.7 of the book's (or the canonical) factory by its owner's signature.
  verifySignature: createSignatureVerifier(publicClients.onekey as unknown as PublicClient, [
    deployment.contracts.SimpleAccountFactoryV07?.address ?? SIMPLE_ACCOUNT_FACTORY_V07,
  ]),
  logger,
  metrics: createMetrics(),
  analytics: readAnalyticsConfig(),
  recorder,
  plans,
  attestationTime: chainClock.now,
  issuerSessions: config.issuerDatabase
    ? openIssuerSource(config.issuerDatabase.url, config.issuerDatabase.schema)
    : undefined,
  governance: {
    chainId: config.chainId,
    projectRegistry: contractOf(deployment, "ProjectRegistry").address,
    kycRegistry: contractOf(deployment, "KycRegistry").address,
    paymaster: deployment.contracts.OneKeyPaymaster?.address,
    safe: config.governanceSafe,
  },
});

app.use("/graphql", graphql({ db, schema: { organizations, projects, issuers } }));

// GET /livez and /readyz (http/health.ts): the API's own answers, beside Ponder's /health and /ready.
registerHealthRoutes(app, {
  chainId: config.chainId,
  store: store.db,
  readModel: () => db.select({ projectId: projects.projectId }).from(projects).limit(1),
  chain,
  redis,
});

export default app;
