/**
 * The indexer workspace's three production processes and how each reads its configuration:
 * `indexer` (`ponder start`: indexing plus the tenant API), `api` (`ponder serve`: a read replica
 * of the tenant API) and `worker` (the webhook worker). `planService` validates everything the
 * process will read at start (nothing is contacted) and says what to launch; scripts/start.ts
 * runs it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readDeployment } from "@onekey/deploy";
import { z } from "zod";
import type { AuditKeyRing } from "../db/auditKeys.js";
import { readIndexerEnv, withoutEmpty } from "../lib/env.js";
import { readSecurityConfig } from "../security/config.js";
import { readApiConfig } from "../src/api/config.js";
import { readWorkerConfig } from "../webhooks/worker/config.js";

export const indexerRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

export const INDEXER_SERVICES = ["indexer", "api", "worker"] as const;
export type IndexerService = (typeof INDEXER_SERVICES)[number];

export const isIndexerService = (name: string | undefined): name is IndexerService =>
  (INDEXER_SERVICES as readonly string[]).includes(name ?? "");

/** Ponder's CLI script, found the way Node finds packages (its package.json is not exported). */
export function ponderCli(): string {
  for (let dir = indexerRoot; ; dir = dirname(dir)) {
    const pkgFile = join(dir, "node_modules", "ponder", "package.json");
    if (existsSync(pkgFile)) {
      const { bin } = JSON.parse(readFileSync(pkgFile, "utf8")) as { bin: { ponder: string } };
      return join(dirname(pkgFile), bin.ponder);
    }
    if (dirname(dir) === dir) throw new Error("ponder is not installed (npm ci)");
  }
}

/** Ponder accepts schema names up to 45 characters. */
const SCHEMA = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,44}$/, "must be a lower-case SQL identifier of at most 45 characters");

/** How Ponder is launched: which schema, where it listens, how it logs. */
const LaunchEnvSchema = z.object({
  /** The deployment schema: a new one per deployment (Ponder refuses a schema built by other code). */
  ONEKEY_INDEXER_SCHEMA: SCHEMA.optional(),
  ONEKEY_INDEXER_VIEWS_SCHEMA: SCHEMA.default("onekey"),
  ONEKEY_INDEXER_HOST: z.string().min(1).default("127.0.0.1"),
  ONEKEY_INDEXER_PORT: z.coerce.number().int().min(1).max(65_535).default(42069),
  ONEKEY_INDEXER_LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
});

export interface ServicePlan {
  /** One line on what was read, for the "configuration ok" answer (no secrets). */
  summary: string;
  /** `ponder start|serve` arguments; absent for the worker, which runs in this process. */
  ponderArgs?: string[];
  /** Where Ponder will listen (checked free before it starts: Ponder would silently take the next port). */
  listen?: { host: string; port: number };
}

/** The readers share readIndexerEnv, so one bad shared variable is reported by each: once is enough. */
const unique = (problems: string[]) => [...new Set(problems)].join("\n");

const auditKeyRequired = (network: string) =>
  `ONEKEY_AUDIT_CHAIN_KEYS and ONEKEY_AUDIT_CHAIN_KEY_ID are required on ${network}: without a key, whoever can write the database can rewrite the audit trail`;

/** The key id is not secret: it says which key new entries are sealed with. */
const auditChainSummary = (ring: AuditKeyRing | undefined) =>
  ring ? `audit chain keyed (key ${ring.currentKid})` : "audit chain unkeyed (v1)";

/** Validates what `service` reads at start; throws one error naming every bad variable. */
export function planService(
  service: IndexerService,
  source: Record<string, string | undefined> = process.env,
): ServicePlan {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(
        ...(error as Error).message
          .replace(/^Invalid [a-z ]+ environment: /i, "")
          .split(/;\s+/)
          .filter(Boolean),
      );
      return undefined;
    }
  };
  const env = withoutEmpty(source);
  const indexer = attempt(() => readIndexerEnv(source));
  if (indexer) {
    attempt(() => {
      try {
        return readDeployment(indexer.network, env.ONEKEY_DEPLOY_BOOK_DIR);
      } catch (error) {
        throw new Error(`ONEKEY_NETWORK / ONEKEY_DEPLOY_BOOK_DIR: ${(error as Error).message}`);
      }
    });
  }
  const local = indexer?.network === "local";

  if (service === "worker") {
    const worker = attempt(() => readWorkerConfig(source));
    attempt(() => readSecurityConfig(env));
    if (worker && !worker.auditChain && indexer && !local) problems.push(auditKeyRequired(indexer.network));
    if (problems.length > 0 || !indexer || !worker) throw new Error(unique(problems));
    return {
      summary: `network ${indexer.network}, chain ${indexer.chainId}, mode ${worker.mode}, health ${
        worker.health ? `port ${worker.health.port}` : "off"
      }, ${auditChainSummary(worker.auditChain)}`,
    };
  }

  const api = attempt(() => readApiConfig(source));
  const launch = LaunchEnvSchema.safeParse(env);
  if (!launch.success) {
    for (const issue of launch.error.issues) problems.push(`${issue.path.join(".")} ${issue.message}`);
  }
  if (!env.ONEKEY_INDEXER_SCHEMA) {
    problems.push("ONEKEY_INDEXER_SCHEMA is required (the deployment's schema, e.g. onekey_2026_06_01)");
  }
  if (!env.ONEKEY_INDEXER_DATABASE_URL && (service === "api" || (indexer && !local))) {
    problems.push(
      service === "api"
        ? "ONEKEY_INDEXER_DATABASE_URL is required: a replica reads the indexer's PostgreSQL"
        : `ONEKEY_INDEXER_DATABASE_URL is required on ${indexer?.network} (PGlite is for local development)`,
    );
  }
  if (api && !api.auditChain && indexer && !local) problems.push(auditKeyRequired(indexer.network));
  if (api && !api.redis && indexer && !local) {
    problems.push(`ONEKEY_REDIS_URL is required on ${indexer.network}: replicas share their rate limits through it`);
  }
  if (problems.length > 0 || !indexer || !api || !launch.success || !launch.data.ONEKEY_INDEXER_SCHEMA) {
    throw new Error(unique(problems));
  }
  const { ONEKEY_INDEXER_SCHEMA: schema, ONEKEY_INDEXER_VIEWS_SCHEMA: views } = launch.data;
  const { ONEKEY_INDEXER_HOST: host, ONEKEY_INDEXER_PORT: port } = launch.data;
  const args = [service === "api" ? "serve" : "start", "--schema", schema];
  if (service === "indexer" && indexer.databaseUrl) args.push("--views-schema", views);
  args.push("-H", host, "-p", String(port), "--log-format", launch.data.ONEKEY_INDEXER_LOG_FORMAT);
  return {
    summary:
      `network ${indexer.network}, chain ${indexer.chainId}, schema ${schema}` +
      `${service === "indexer" && indexer.databaseUrl ? `, views ${views}` : ""}, ` +
      `database ${indexer.databaseUrl ? "postgres" : "pglite"}, rate limits ${api.redis ? "shared (redis)" : "per process"}, ` +
      `listen ${host}:${port}, ${auditChainSummary(api.auditChain)}`,
    ponderArgs: args,
    listen: { host, port },
  };
}
