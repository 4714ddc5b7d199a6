/**
 * The tenant API's settings, read once from the environment at start and validated (a bad value
 * stops the start with the variable's name). See .env.example for every variable.
 */
import { PLANS_FILE } from "@onekey/service-kit/plans";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";
import { type AuditKeyRing, readAuditChainKeys } from "../../db/auditKeys.js";
import type { ApiDbTarget } from "../../db/open.js";
import { readIndexerEnv, withoutEmpty } from "../../lib/env.js";
import type { DestinationMode } from "../../webhooks/destinations.js";
import { parseConfirmations } from "../../webhooks/policy.js";
import { parseEncryptionKey } from "../../webhooks/secrets.js";
import { parseTrustedProxies, type TrustedProxies } from "./http/clientAddress.js";
import { type AllowedOrigins, parseOrigin } from "./http/cors.js";

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const ApiEnvSchema = z.object({
  ONEKEY_API_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("onekey_api"),
  ONEKEY_API_PGLITE_DIR: z.string().min(1).default(".ponder/api-pglite"),
  ONEKEY_API_MIGRATE_ON_START: z.enum(["true", "false"]).default("true"),
  /** host[:port] that SIWE messages must name: where the tenant dashboard is served. */
  ONEKEY_API_SIWE_DOMAIN: z.string().min(1).optional(),
  /**
   * The dashboard's origins (comma-separated `https://host[:port]`), the only pages that may use
   * the API from a browser. Default: `https://<ONEKEY_API_SIWE_DOMAIN>`; on a local chain, any
   * page served from this machine (http://localhost:*, 127.0.0.1, [::1]).
   */
  ONEKEY_API_DASHBOARD_ORIGINS: z
    .string()
    .optional()
    .transform((list, ctx) => {
      if (list === undefined) return undefined;
      try {
        return list.split(",").map((origin) => parseOrigin(origin.trim()));
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Protocol operators (comma-separated addresses): they sign in like tenants and use /v1/operator/*. */
  ONEKEY_API_OPERATORS: z
    .string()
    .default("")
    .transform((list, ctx) => {
      const items = list
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
      const bad = items.find((item) => !isAddress(item));
      if (bad) {
        ctx.addIssue({ code: "custom", message: `"${bad}" is not an address` });
        return z.NEVER;
      }
      return items.map((item) => getAddress(item));
    }),
  /** Organizations' plans (@onekey/service-kit/plans: the API rate tier, the monthly quota shown to operators); watched. Default: the shipped file. The issuer reads the same variable. */
  ONEKEY_PLANS_FILE: z.string().min(1).optional(),
  /** The service token the key service presents to record key releases (routes/keyReleases.ts). */
  ONEKEY_API_AUDIT_INGEST_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * The issuer's PostgreSQL and schema (read-only: its kyc_sessions), the same the analytics
   * rebuild reads: operators' subject lookups show the subject's sessions; unset, they say so.
   */
  ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: z.string().url().optional(),
  ONEKEY_ANALYTICS_ISSUER_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("onekey_issuer"),
  /** The issuer's base URL and its ONEKEY_ISSUER_OPERATOR_TOKEN: operators' provider deletions go there. */
  ONEKEY_API_ISSUER_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  ONEKEY_API_ISSUER_OPERATOR_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** The governance Safe that signs the operators' governance batches (named in each batch). */
  ONEKEY_API_GOVERNANCE_SAFE: z
    .string()
    .refine((v) => isAddress(v), "must be an address")
    .transform((v) => getAddress(v))
    .optional(),
  ONEKEY_API_SIWE_NONCE_TTL_SECONDS: seconds(300, 3600),
  ONEKEY_API_SESSION_TTL_SECONDS: seconds(3600, 7 * 24 * 3600),
  ONEKEY_API_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(600),
  ONEKEY_API_RATE_LIMIT_WINDOW_SECONDS: seconds(60, 3600),
  ONEKEY_API_ADMIN_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(120),
  ONEKEY_API_AUTH_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** Proxies whose X-Forwarded-For names the client (comma-separated IPs or CIDR ranges); none by default. */
  ONEKEY_API_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((list, ctx) => {
      try {
        return parseTrustedProxies(list);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Where rate limits count, shared by every replica (the same Redis the issuer uses); per process without it. */
  ONEKEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  ONEKEY_API_REDIS_KEY_PREFIX: z.string().min(1).max(64).default("onekey:api"),
  ONEKEY_API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  ONEKEY_API_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional(),
  ONEKEY_API_METRICS_TOKEN: z.string().min(16).optional(),
  /** Where integrators reach this API (the OpenAPI document's `servers`); absent: relative to the document. */
  ONEKEY_API_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((url) => !/[?#]/.test(url), "must not carry a query or fragment")
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  /** Seals endpoint signing secrets at rest; the webhook routes answer 503 without it. */
  ONEKEY_WEBHOOK_ENCRYPTION_KEY: z.string().min(1).optional(),
  ONEKEY_WEBHOOK_MODE: z.enum(["local", "production"]).optional(),
  ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: z
    .string()
    .regex(/^(finalized|\d{1,4})$/, 'must be "finalized" or a number of blocks')
    .default("finalized"),
});

export interface ApiConfig {
  chainId: number;
  store: ApiDbTarget;
  migrateOnStart: boolean;
  siweDomain: string;
  /** The pages that may call the API from a browser (http/cors.ts). */
  dashboardOrigins: AllowedOrigins;
  /** Who may use /v1/operator/* (routes/operator.ts); none by default. */
  operators: Address[];
  governanceSafe?: Address;
  /** Absent: POST /v1/internal/key-releases answers 503. */
  auditIngestToken?: string;
  /** Seals the audit chain (format v2, db/auditKeys.ts); absent: format v1 (local only). Secrets: never logged. */
  auditChain?: AuditKeyRing;
  /** The issuer's sessions, read-only (operators' subject lookups); absent: not shown. The URL may hold a password: never logged. */
  issuerDatabase?: { url: string; schema: string };
  /** Organizations' plans (ONEKEY_PLANS_FILE, default the shipped file), watched by index.ts. */
  plansFile: string;
  /** Where operators' provider deletions are sent; absent: those answer 503. */
  issuerOperator?: { url: string; token: string };
  nonceTtlSeconds: number;
  sessionTtlSeconds: number;
  /**
   * Per project, for tenant (API key) and admin (session) calls. Sign-in is limited per client
   * address; refused credentials per client address, and refused admin calls per session and
   * per address, all at `authRateLimitPoints` a minute.
   */
  rateLimit: { points: number; windowSeconds: number };
  adminRateLimitPoints: number;
  authRateLimitPoints: number;
  /** Whose X-Forwarded-For to believe when telling clients apart (sign-in and refused-credential limits). */
  trustedProxies: TrustedProxies;
  /** Shared rate-limit counts; absent: per process. The URL may hold a password: never logged. */
  redis?: { url: string; keyPrefix: string };
  apiKeyCacheMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  metricsToken?: string;
  /** The public base URL, without a trailing slash (the document's `servers`); absent: "/". */
  publicUrl?: string;
  webhooks: {
    encryptionKey?: Buffer;
    mode: DestinationMode;
    /** null = deliver on finality. */
    defaultConfirmations: number | null;
    schema: string;
  };
}

export function readApiConfig(source: Record<string, string | undefined> = process.env): ApiConfig {
  const indexer = readIndexerEnv(source);
  const parsed = ApiEnvSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid API environment: ${problems}`);
  }
  const env = parsed.data;
  const siweDomain = env.ONEKEY_API_SIWE_DOMAIN ?? (indexer.network === "local" ? "localhost" : undefined);
  if (!siweDomain)
    throw new Error(`Invalid API environment: ONEKEY_API_SIWE_DOMAIN is required for ${indexer.network}`);
  if (Boolean(env.ONEKEY_API_ISSUER_URL) !== Boolean(env.ONEKEY_API_ISSUER_OPERATOR_TOKEN)) {
    throw new Error(
      "Invalid API environment: ONEKEY_API_ISSUER_URL and ONEKEY_API_ISSUER_OPERATOR_TOKEN are set together or not at all",
    );
  }
  let encryptionKey: Buffer | undefined;
  let auditChain: AuditKeyRing | undefined;
  try {
    auditChain = readAuditChainKeys(source);
    encryptionKey = env.ONEKEY_WEBHOOK_ENCRYPTION_KEY
      ? parseEncryptionKey(env.ONEKEY_WEBHOOK_ENCRYPTION_KEY)
      : undefined;
  } catch (error) {
    throw new Error(`Invalid API environment: ${(error as Error).message}`);
  }
  return {
    chainId: indexer.chainId,
    store: indexer.databaseUrl
      ? { kind: "postgres", url: indexer.databaseUrl, schema: env.ONEKEY_API_SCHEMA }
      : { kind: "pglite", directory: env.ONEKEY_API_PGLITE_DIR },
    migrateOnStart: env.ONEKEY_API_MIGRATE_ON_START === "true",
    siweDomain,
    dashboardOrigins: env.ONEKEY_API_DASHBOARD_ORIGINS
      ? { kind: "list", origins: env.ONEKEY_API_DASHBOARD_ORIGINS }
      : indexer.network === "local"
        ? { kind: "loopback" }
        : { kind: "list", origins: [`https://${siweDomain}`] },
    operators: env.ONEKEY_API_OPERATORS,
    governanceSafe: env.ONEKEY_API_GOVERNANCE_SAFE,
    auditIngestToken: env.ONEKEY_API_AUDIT_INGEST_TOKEN,
    auditChain,
    plansFile: env.ONEKEY_PLANS_FILE ?? PLANS_FILE,
    issuerDatabase: env.ONEKEY_ANALYTICS_ISSUER_DATABASE_URL
      ? { url: env.ONEKEY_ANALYTICS_ISSUER_DATABASE_URL, schema: env.ONEKEY_ANALYTICS_ISSUER_SCHEMA }
      : undefined,
    issuerOperator:
      env.ONEKEY_API_ISSUER_URL && env.ONEKEY_API_ISSUER_OPERATOR_TOKEN
        ? { url: env.ONEKEY_API_ISSUER_URL, token: env.ONEKEY_API_ISSUER_OPERATOR_TOKEN }
        : undefined,
    nonceTtlSeconds: env.ONEKEY_API_SIWE_NONCE_TTL_SECONDS,
    sessionTtlSeconds: env.ONEKEY_API_SESSION_TTL_SECONDS,
    rateLimit: { points: env.ONEKEY_API_RATE_LIMIT_POINTS, windowSeconds: env.ONEKEY_API_RATE_LIMIT_WINDOW_SECONDS },
    adminRateLimitPoints: env.ONEKEY_API_ADMIN_RATE_LIMIT_POINTS,
    authRateLimitPoints: env.ONEKEY_API_AUTH_RATE_LIMIT_POINTS,
    trustedProxies: env.ONEKEY_API_TRUSTED_PROXIES,
    redis: env.ONEKEY_REDIS_URL ? { url: env.ONEKEY_REDIS_URL, keyPrefix: env.ONEKEY_API_REDIS_KEY_PREFIX } : undefined,
    apiKeyCacheMs: env.ONEKEY_API_KEY_CACHE_MS,
    logLevel: env.ONEKEY_API_LOG_LEVEL ?? indexer.logLevel,
    metricsToken: env.ONEKEY_API_METRICS_TOKEN,
    publicUrl: env.ONEKEY_API_PUBLIC_URL,
    webhooks: {
      encryptionKey,
      mode: env.ONEKEY_WEBHOOK_MODE ?? (indexer.network === "local" ? "local" : "production"),
      defaultConfirmations: parseConfirmations(env.ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS),
      schema: indexer.databaseUrl ? env.ONEKEY_API_SCHEMA : "onekey_api",
    },
  };
}
