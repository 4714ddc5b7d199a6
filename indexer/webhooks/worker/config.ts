/**
 * The webhook worker's settings, read once from the environment and validated: a missing or
 * malformed value stops the start with the variable's name. indexer/.env.example lists them.
 */
import { z } from "zod";
import { type AuditKeyRing, readAuditChainKeys } from "../../db/auditKeys.js";
import { readIndexerEnv, withoutEmpty } from "../../lib/env.js";
import { parseEncryptionKey } from "../secrets.js";
import { parseSchedule } from "./schedule.js";

const SQL_NAME = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier");
const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const WorkerEnvSchema = z.object({
  ONEKEY_INDEXER_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }),
  ONEKEY_INDEXER_VIEWS_SCHEMA: SQL_NAME.default("onekey"),
  ONEKEY_API_SCHEMA: SQL_NAME.default("onekey_api"),
  ONEKEY_WEBHOOK_ENCRYPTION_KEY: z.string({ error: "is required (32 bytes, hex or base64)" }).min(1),
  ONEKEY_WEBHOOK_MODE: z.enum(["local", "production"]).optional(),
  ONEKEY_WEBHOOK_TIMEOUT_MS: int(15_000, 100, 120_000),
  /** Waits before each retry; the default spans 27.6 hours. */
  ONEKEY_WEBHOOK_RETRY_SCHEDULE: z.string().default("5s,5m,30m,2h,5h,10h,10h"),
  ONEKEY_WEBHOOK_JITTER: z.coerce.number().min(0).max(0.5).default(0.2),
  ONEKEY_WEBHOOK_CONCURRENCY: int(64, 1, 1024),
  /** Requests in flight to one endpoint (per worker): a slow endpoint cannot take every slot. */
  ONEKEY_WEBHOOK_ENDPOINT_CONCURRENCY: int(16, 1, 1024),
  ONEKEY_WEBHOOK_POLL_MS: int(100, 10, 60_000),
  ONEKEY_WEBHOOK_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
  /** The policy of projects that set none: "finalized" or a number of confirmations. */
  ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: z
    .string()
    .regex(/^(finalized|\d{1,4})$/, 'must be "finalized" or a number of blocks')
    .default("finalized"),
  ONEKEY_WEBHOOK_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional(),
  ONEKEY_WEBHOOK_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  ONEKEY_WEBHOOK_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** GET /livez and /readyz on this port when set (health.ts). */
  ONEKEY_WEBHOOK_HEALTH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  ONEKEY_WEBHOOK_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
});

export interface WorkerConfig {
  chainId: number;
  /** Feature flags (securityAlertWebhooks per project), watched while the worker runs. */
  flagsFile: string;
  databaseUrl: string;
  viewsSchema: string;
  apiSchema: string;
  encryptionKey: Buffer;
  /** Seals the audit entries the worker and its security scan write (db/auditKeys.ts); absent: format v1. */
  auditChain?: AuditKeyRing;
  mode: "local" | "production";
  timeoutMs: number;
  /** Milliseconds to wait before retry 1, 2, ...; a delivery is dead after the last one fails. */
  retrySchedule: number[];
  jitter: number;
  concurrency: number;
  endpointConcurrency: number;
  pollMs: number;
  leaseMs: number;
  /** null = deliver on finality. */
  defaultConfirmations: number | null;
  logLevel: "debug" | "info" | "warn" | "error";
  metrics?: { port: number; host: string };
  health?: { port: number; host: string };
}

export function readWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  const indexer = readIndexerEnv(source);
  const parsed = WorkerEnvSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid webhook worker environment: ${problems}`);
  }
  const env = parsed.data;
  if (
    env.ONEKEY_WEBHOOK_HEALTH_PORT !== undefined &&
    env.ONEKEY_WEBHOOK_HEALTH_PORT === env.ONEKEY_WEBHOOK_METRICS_PORT
  ) {
    throw new Error(
      "Invalid webhook worker environment: ONEKEY_WEBHOOK_HEALTH_PORT must differ from ONEKEY_WEBHOOK_METRICS_PORT",
    );
  }
  let retrySchedule: number[];
  let encryptionKey: Buffer;
  let auditChain: AuditKeyRing | undefined;
  try {
    retrySchedule = parseSchedule(env.ONEKEY_WEBHOOK_RETRY_SCHEDULE);
    encryptionKey = parseEncryptionKey(env.ONEKEY_WEBHOOK_ENCRYPTION_KEY);
    auditChain = readAuditChainKeys(source);
  } catch (error) {
    throw new Error(`Invalid webhook worker environment: ${(error as Error).message}`);
  }
  return {
    chainId: indexer.chainId,
    flagsFile: indexer.flagsFile,
    databaseUrl: env.ONEKEY_INDEXER_DATABASE_URL,
    viewsSchema: env.ONEKEY_INDEXER_VIEWS_SCHEMA,
    apiSchema: env.ONEKEY_API_SCHEMA,
    encryptionKey,
    auditChain,
    mode: env.ONEKEY_WEBHOOK_MODE ?? (indexer.network === "local" ? "local" : "production"),
    timeoutMs: env.ONEKEY_WEBHOOK_TIMEOUT_MS,
    retrySchedule,
    jitter: env.ONEKEY_WEBHOOK_JITTER,
    concurrency: env.ONEKEY_WEBHOOK_CONCURRENCY,
    endpointConcurrency: env.ONEKEY_WEBHOOK_ENDPOINT_CONCURRENCY,
    pollMs: env.ONEKEY_WEBHOOK_POLL_MS,
    // A lease outlives the request it covers; a dead worker's leases end at once anyway.
    leaseMs: env.ONEKEY_WEBHOOK_LEASE_MS ?? env.ONEKEY_WEBHOOK_TIMEOUT_MS + 15_000,
    defaultConfirmations:
      env.ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS === "finalized"
        ? null
        : Number(env.ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS),
    logLevel: env.ONEKEY_WEBHOOK_LOG_LEVEL ?? indexer.logLevel,
    metrics: env.ONEKEY_WEBHOOK_METRICS_PORT
      ? { port: env.ONEKEY_WEBHOOK_METRICS_PORT, host: env.ONEKEY_WEBHOOK_METRICS_HOST }
      : undefined,
    health: env.ONEKEY_WEBHOOK_HEALTH_PORT
      ? { port: env.ONEKEY_WEBHOOK_HEALTH_PORT, host: env.ONEKEY_WEBHOOK_HEALTH_HOST }
      : undefined,
  };
}
