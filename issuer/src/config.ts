import {
  contractOf,
  type Deployment,
  deploymentsDir,
  flagsFile,
  isNetworkName,
  type NetworkName,
  readDeployment,
} from "@onekey/deploy";
import { PLANS_FILE } from "@onekey/service-kit/plans";
import { type Address, getAddress, type Hex, isAddress, parseGwei } from "viem";
import { entryPoint07Address } from "viem/account-abstraction";
import { z } from "zod";
import { type ProviderSettings, parseProviderSettings } from "./kyc/providers/factories.js";
import { isProviderName, type ProviderName } from "./kyc/providers/provider.js";
import type { SignerConfig } from "./signing/signer.js";

/**
 * The issuer service's configuration, read once from the environment at start (variable names
 * follow the repository's scheme: ONEKEY_ISSUER_* for its own settings, ONEKEY_NETWORK,
 * ONEKEY_RPC_URL, ONEKEY_REDIS_URL, ONEKEY_DEPLOY_BOOK_DIR, ONEKEY_LOG_LEVEL shared). Contract
 * addresses and the chain id come from the deployment book, never from variables. Anything
 * missing or malformed stops the service with a message naming the variable (never its value:
 * some are keys, and URLs may carry API keys).
 */
const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((v) => v as Hex);

const address = z
  .string()
  .refine((v) => isAddress(v), "must be an address")
  .transform((v) => getAddress(v) as Address);

const addressList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    const items = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.find((s) => !isAddress(s));
    if (bad) {
      ctx.addIssue({ code: "custom", message: `"${bad}" is not an address` });
      return z.NEVER;
    }
    return items.map((s) => getAddress(s) as Address);
  });

/** A non-negative integer of wei or gas, written in decimal. */
const quantity = z
  .string()
  .regex(/^[0-9]{1,30}$/, "must be a decimal integer")
  .transform((v) => BigInt(v));

/** A URL whose value is never echoed (it may carry credentials). */
const secretUrl = z.string().refine((v) => URL.canParse(v), "must be a URL");
const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http(s) URL");

const flag = (fallback: "true" | "false") =>
  z
    .enum(["true", "false"])
    .default(fallback)
    .transform((v) => v === "true");
const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "silent"]);

/** The local development chain (Hardhat): the only one with defaults for money limits and origins. */
export const LOCAL_CHAIN_ID = 31337;

const envSchema = z.object({
  ONEKEY_NETWORK: z
    .string()
    .default("local")
    .refine(isNetworkName, "must be one of local, baseSepolia, base")
    .transform((v) => v as NetworkName),
  /** JSON-RPC of the chain (may carry an API key: never logged). Defaults to 127.0.0.1:8545 on local. */
  ONEKEY_RPC_URL: secretUrl.optional(),
  ONEKEY_DEPLOY_BOOK_DIR: z.string().min(1).optional(),
  /** The feature-flag file (deploy/flags.ts); default: deploy/flags/<network>.json. */
  ONEKEY_FLAGS_FILE: z.string().min(1).optional(),
  /** Organizations' plans (@onekey/service-kit/plans: the monthly verification quota); default: the shipped file. */
  ONEKEY_PLANS_FILE: z.string().min(1).optional(),
  /** The tenant API the issuer reports its admin actions to (its audit trail); unset: not reported. */
  ONEKEY_ISSUER_AUDIT_URL: secretUrl.optional(),
  /** That API's ONEKEY_API_AUDIT_INGEST_TOKEN (never logged); set with ONEKEY_ISSUER_AUDIT_URL. */
  // The API's rule for ONEKEY_API_AUDIT_INGEST_TOKEN: a shorter one passes here but never authenticates there.
  ONEKEY_ISSUER_AUDIT_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  ONEKEY_REDIS_URL: secretUrl.default("redis://127.0.0.1:6379"),
  ONEKEY_LOG_LEVEL: logLevel.default("info"),

  ONEKEY_ISSUER_HOST: z.string().default("127.0.0.1"),
  ONEKEY_ISSUER_PORT: integer(0, 65535, 8787),
  ONEKEY_ISSUER_LOG_LEVEL: logLevel.optional(),
  /**
   * The paymaster's sponsorship signer: its private key (never logged), or its address when the key
   * lives in the remote signer (ONEKEY_ISSUER_REMOTE_SIGNER_URL). Exactly one of the two.
   */
  ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: privateKey.optional(),
  ONEKEY_ISSUER_SPONSOR_SIGNER_ADDRESS: address.optional(),
  /** The KYC issuer key (signs attestations; registered in KycRegistry), or its address as above. */
  ONEKEY_ISSUER_KYC_SIGNER_KEY: privateKey.optional(),
  ONEKEY_ISSUER_KYC_SIGNER_ADDRESS: address.optional(),
  /** A Web3Signer-compatible signer (eth1 JSON-RPC) holding the keys named by address; may carry credentials. */
  ONEKEY_ISSUER_REMOTE_SIGNER_URL: httpUrl.optional(),
  ONEKEY_ISSUER_REMOTE_SIGNER_TIMEOUT_MS: integer(100, 60_000, 5_000),

  ONEKEY_ISSUER_DATABASE_URL: secretUrl,
  ONEKEY_ISSUER_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("onekey_issuer"),
  ONEKEY_ISSUER_MIGRATE_ON_START: flag("true"),
  ONEKEY_ISSUER_REDIS_KEY_PREFIX: z.string().min(1).max(64).default("onekey:issuer"),

  ONEKEY_ISSUER_SPONSOR_SIMPLE_ACCOUNT_FACTORIES: addressList,
  ONEKEY_ISSUER_SPONSOR_KERNEL_FACTORIES: addressList,
  ONEKEY_ISSUER_SPONSOR_KERNEL_IMPLEMENTATIONS: addressList,
  ONEKEY_ISSUER_SPONSOR_KERNEL_VALIDATORS: addressList,
  ONEKEY_ISSUER_SPONSOR_SAFE_PROXY_FACTORIES: addressList,
  ONEKEY_ISSUER_SPONSOR_SAFE_SINGLETONS: addressList,
  ONEKEY_ISSUER_SPONSOR_SAFE_4337_MODULES: addressList,
  ONEKEY_ISSUER_SPONSOR_SAFE_SETUP_CONTRACTS: addressList,
  ONEKEY_ISSUER_SPONSOR_COINBASE_FACTORIES: addressList,
  ONEKEY_ISSUER_SPONSOR_COINBASE_IMPLEMENTATIONS: addressList,
  ONEKEY_ISSUER_SPONSOR_MAX_PRIORITY_FEE_PER_GAS: quantity.optional(),
  ONEKEY_ISSUER_SPONSOR_BASE_FEE_MULTIPLIER: integer(1, 10, 3),
  ONEKEY_ISSUER_SPONSOR_L1_DATA_GAS: quantity.default(0n),
  ONEKEY_ISSUER_SPONSORSHIP_TTL_SECONDS: integer(30, 3600, 600),
  ONEKEY_ISSUER_SPONSOR_PROJECT_RATE_PER_MINUTE: integer(1, 100_000, 120),
  ONEKEY_ISSUER_SPONSOR_SUBJECT_RATE_PER_MINUTE: integer(1, 10_000, 10),
  ONEKEY_ISSUER_SPONSOR_NAME: z.string().min(1).max(64).default("OneKey"),

  /** The dApp's origin: SIWE messages must name it, and hosted flows may only return to it. */
  ONEKEY_ISSUER_DAPP_ORIGIN: httpUrl.optional(),
  ONEKEY_ISSUER_AUTH_NONCE_TTL_SECONDS: integer(30, 3600, 300),
  ONEKEY_ISSUER_AUTH_TOKEN_TTL_SECONDS: integer(60, 7 * 86_400, 3600),
  ONEKEY_ISSUER_AUTH_RATE_PER_MINUTE: integer(1, 10_000, 30),
  ONEKEY_ISSUER_SESSION_TTL_SECONDS: integer(60, 30 * 86_400, 86_400),
  ONEKEY_ISSUER_SESSION_RETENTION_DAYS: integer(1, 3650, 30),
  ONEKEY_ISSUER_SESSION_SUBJECT_RATE_PER_MINUTE: integer(1, 100_000, 10),
  ONEKEY_ISSUER_SESSION_PROJECT_RATE_PER_MINUTE: integer(1, 1_000_000, 600),
  ONEKEY_ISSUER_STATUS_REFRESH_SECONDS: integer(1, 3600, 15),
  /** How long a replica may use a project's on-chain status and level before reading them again. */
  ONEKEY_ISSUER_PROJECT_CACHE_MS: integer(0, 60_000, 5_000),
  ONEKEY_ISSUER_ATTESTATION_DEADLINE_SECONDS: integer(60, 86_400, 900),
  /** Days an attestation of level 1, 2, 3 stays valid. */
  ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS: z
    .string()
    .default("365,365,180")
    .transform((v, ctx) => {
      const days = v.split(",").map((s) => Number(s.trim()));
      if (days.length !== 3 || !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 3650)) {
        ctx.addIssue({ code: "custom", message: "must be three day counts (levels 1, 2, 3), e.g. 365,365,180" });
        return z.NEVER;
      }
      return days as [number, number, number];
    }),
  /** Providers this deployment runs, in the default order of preference. */
  ONEKEY_ISSUER_PROVIDERS: z
    .string()
    .default("sandbox")
    .transform((v, ctx) => {
      const names = [
        ...new Set(
          v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      const bad = names.find((n) => !isProviderName(n));
      if (bad || names.length === 0) {
        ctx.addIssue({
          code: "custom",
          message: `"${bad ?? ""}" is not a provider (sandbox, sandbox-<name>, sumsub, persona, onfido)`,
        });
        return z.NEVER;
      }
      return names as ProviderName[];
    }),
  ONEKEY_ISSUER_PROVIDER_TIMEOUT_MS: integer(100, 60_000, 5_000),
  /** Consecutive failures that open a provider's circuit, and how long it stays open before a probe. */
  ONEKEY_ISSUER_BREAKER_FAILURES: integer(1, 100, 3),
  ONEKEY_ISSUER_BREAKER_HALF_OPEN_MS: integer(100, 600_000, 10_000),
  /** Gateways the attestation's storage check reads from (`GET <gateway>/<base64url id>`). */
  ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: httpUrl.optional(),
  ONEKEY_ISSUER_IRYS_GATEWAY_URL: httpUrl.optional(),
  ONEKEY_ISSUER_STORAGE_TIMEOUT_MS: integer(100, 60_000, 5_000),
  ONEKEY_ISSUER_CHAIN_POLL_MS: integer(50, 60_000, 1_000),
  ONEKEY_ISSUER_CHAIN_CONFIRMATIONS: integer(0, 1000, 0),
  ONEKEY_ISSUER_CLEANUP_INTERVAL_MS: integer(100, 3_600_000, 60_000),
  /** Whether this replica runs the chain watcher and the cleanup job (safe on every replica). */
  ONEKEY_ISSUER_BACKGROUND_JOBS: flag("true"),
  ONEKEY_ISSUER_METRICS_TOKEN: z.string().min(16).optional(),
  /** The token the tenant API's operator routes present (kyc/operator-routes.ts); unset: those routes answer 503. */
  ONEKEY_ISSUER_OPERATOR_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
});

export interface SponsorConfig {
  simpleAccountFactories: Address[];
  kernelFactories: Address[];
  kernelImplementations: Address[];
  kernelValidators: Address[];
  safeProxyFactories: Address[];
  safeSingletons: Address[];
  safe4337Modules: Address[];
  safeSetupContracts: Address[];
  coinbaseFactories: Address[];
  coinbaseImplementations: Address[];
  /** Most maxPriorityFeePerGas signed, in wei. */
  maxPriorityFeePerGas: bigint;
  /** maxFeePerGas <= latest base fee x this + the priority ceiling. */
  baseFeeMultiplier: number;
  /** Gas added to the preVerificationGas cap for the L1 data fee of OP-stack chains (Base). */
  l1DataGas: bigint;
  /** Seconds a signed sponsorship stays valid. */
  ttlSeconds: number;
  /** Signed sponsorships per project / per subject per minute, across every replica. */
  projectRatePerMinute: number;
  subjectRatePerMinute: number;
  /** Display name returned to wallets as the sponsor. */
  name: string;
}

export interface KycConfig {
  dappOrigin: string;
  /** The SIWE domain: the dApp origin's host[:port]. */
  siweDomain: string;
  nonceTtlSeconds: number;
  authTokenTtlSeconds: number;
  authRatePerMinute: number;
  sessionTtlSeconds: number;
  sessionRetentionDays: number;
  sessionSubjectRatePerMinute: number;
  sessionProjectRatePerMinute: number;
  statusRefreshSeconds: number;
  projectCacheMs: number;
  attestationDeadlineSeconds: number;
  levelExpiryDays: [number, number, number];
  providers: ProviderName[];
  providerSettings: Partial<Record<ProviderName, ProviderSettings>>;
  providerTimeoutMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  storage: { arweaveGateway?: string; irysGateway?: string; timeoutMs: number };
  chainPollMs: number;
  chainConfirmations: number;
  cleanupIntervalMs: number;
  backgroundJobs: boolean;
  metricsToken?: string;
  operatorToken?: string;
}

export interface IssuerConfig {
  host: string;
  port: number;
  logLevel: z.infer<typeof logLevel>;
  network: NetworkName;
  chainId: number;
  rpcUrl: string;
  entryPoint: Address;
  contracts: {
    kycRegistry: Address;
    projectRegistry: Address;
    paymaster: Address;
    /** Where the chain watcher starts on a fresh database. */
    kycRegistryStartBlock: number;
  };
  /** Where the paymaster's sponsorship key is (signing/signer.ts). */
  sponsorSigner: SignerConfig;
  /** Where the KYC attestation key is. */
  kycSigner: SignerConfig;
  /** The feature flags this service watches. */
  flagsFile: string;
  /** Organizations' plans (the monthly verification quota), watched by main.ts. */
  plansFile: string;
  /** Where admin actions are reported (the tenant API's audit ingest); absent: not reported. */
  audit?: { url: string; token: string };
  database: { url: string; schema: string; migrateOnStart: boolean };
  redis: { url: string; keyPrefix: string };
  sponsor: SponsorConfig;
  kyc: KycConfig;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** An empty variable means unset (shells and process managers often export VAR=). */
function withoutEmpty(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

/**
 * Reads the configuration from `env` (process.env by default). The deployment book entry of
 * ONEKEY_NETWORK is read from ONEKEY_DEPLOY_BOOK_DIR (or the checked-in book) unless `deployment`
 * is given (unit tests).
 */
const missingSigner = (role: string) =>
  `  ONEKEY_ISSUER_${role}_SIGNER_KEY: is required (or ONEKEY_ISSUER_${role}_SIGNER_ADDRESS with a remote signer)`;

export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  options: { deployment?: Deployment } = {},
): IssuerConfig {
  const env = withoutEmpty(source);
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`  ${issue.path.join(".")}: ${issue.message}`);
    for (const role of ["SPONSOR", "KYC"]) {
      if (!env[`ONEKEY_ISSUER_${role}_SIGNER_KEY`] && !env[`ONEKEY_ISSUER_${role}_SIGNER_ADDRESS`]) {
        problems.push(missingSigner(role));
      }
    }
    throw new ConfigError(`Invalid issuer configuration:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  const local = e.ONEKEY_NETWORK === "local";

  let deployment: Deployment | undefined = options.deployment;
  if (!deployment) {
    try {
      deployment = readDeployment(e.ONEKEY_NETWORK, e.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir);
    } catch (error) {
      problems.push(`  ONEKEY_NETWORK: ${(error as Error).message}`);
    }
  }
  const contract = (name: string) => {
    if (!deployment) return undefined;
    try {
      return contractOf(deployment, name);
    } catch (error) {
      problems.push(`  deployment book: ${(error as Error).message}`);
      return undefined;
    }
  };
  const kycRegistry = contract("KycRegistry");
  const projectRegistry = contract("ProjectRegistry");
  const paymaster = contract("OneKeyPaymaster");

  const rpcUrl = e.ONEKEY_RPC_URL ?? (local ? "http://127.0.0.1:8545" : undefined);
  if (!rpcUrl) problems.push(`  ONEKEY_RPC_URL: is required on ${e.ONEKEY_NETWORK}`);

  let maxPriorityFeePerGas = e.ONEKEY_ISSUER_SPONSOR_MAX_PRIORITY_FEE_PER_GAS;
  if (maxPriorityFeePerGas === undefined) {
    if (!local) {
      problems.push(
        "  ONEKEY_ISSUER_SPONSOR_MAX_PRIORITY_FEE_PER_GAS: is required off the local chain (wei; e.g. 10000000 = 0.01 gwei on Base)",
      );
    }
    // viem's default estimate on Hardhat is 2 x eth_maxPriorityFeePerGas = 2 gwei.
    maxPriorityFeePerGas = parseGwei("2");
  }

  const dappOrigin = e.ONEKEY_ISSUER_DAPP_ORIGIN ?? (local ? "http://localhost:5173" : undefined);
  // Both or neither: a URL without its token (or the reverse) is a mistake to name, not to ignore.
  if ((e.ONEKEY_ISSUER_AUDIT_URL === undefined) !== (e.ONEKEY_ISSUER_AUDIT_TOKEN === undefined)) {
    problems.push("  ONEKEY_ISSUER_AUDIT_URL and ONEKEY_ISSUER_AUDIT_TOKEN go together: set both or neither");
  }
  if (!dappOrigin) problems.push(`  ONEKEY_ISSUER_DAPP_ORIGIN: is required on ${e.ONEKEY_NETWORK}`);
  const arweaveGateway = e.ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL ?? (local ? "http://127.0.0.1:1985" : undefined);
  if (!arweaveGateway && !e.ONEKEY_ISSUER_IRYS_GATEWAY_URL) {
    problems.push("  ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: name at least one storage gateway (or _IRYS_GATEWAY_URL)");
  }

  let providerSettings: KycConfig["providerSettings"] = {};
  try {
    providerSettings = parseProviderSettings(e.ONEKEY_ISSUER_PROVIDERS, env);
  } catch (error) {
    problems.push(`  ${(error as Error).message}`);
  }

  // Each key in this process, or named by address in the remote signer: exactly one of the two.
  const signer = (role: "SPONSOR" | "KYC"): SignerConfig | undefined => {
    const key = e[`ONEKEY_ISSUER_${role}_SIGNER_KEY`];
    const remote = e[`ONEKEY_ISSUER_${role}_SIGNER_ADDRESS`];
    if (key && remote) {
      problems.push(`  ONEKEY_ISSUER_${role}_SIGNER_ADDRESS: set it or ONEKEY_ISSUER_${role}_SIGNER_KEY, not both`);
    } else if (key) {
      return { kind: "local", privateKey: key };
    } else if (!remote) {
      problems.push(missingSigner(role));
    } else if (!e.ONEKEY_ISSUER_REMOTE_SIGNER_URL) {
      problems.push(`  ONEKEY_ISSUER_REMOTE_SIGNER_URL: is required to sign as ONEKEY_ISSUER_${role}_SIGNER_ADDRESS`);
    } else {
      return {
        kind: "remote",
        url: e.ONEKEY_ISSUER_REMOTE_SIGNER_URL,
        address: remote,
        timeoutMs: e.ONEKEY_ISSUER_REMOTE_SIGNER_TIMEOUT_MS,
      };
    }
    return undefined;
  };
  const sponsorSigner = signer("SPONSOR");
  const kycSigner = signer("KYC");

  if (
    problems.length > 0 ||
    !sponsorSigner ||
    !kycSigner ||
    !deployment ||
    !kycRegistry ||
    !projectRegistry ||
    !paymaster ||
    !rpcUrl ||
    !dappOrigin
  ) {
    throw new ConfigError(`Invalid issuer configuration:\n${problems.join("\n")}`);
  }
  const origin = new URL(dappOrigin);

  // SimpleAccountFactory v0.7 of the book (the local chain deploys it), unless a list is given.
  const bookFactory = deployment.contracts.SimpleAccountFactoryV07?.address;
  return {
    host: e.ONEKEY_ISSUER_HOST,
    port: e.ONEKEY_ISSUER_PORT,
    logLevel: e.ONEKEY_ISSUER_LOG_LEVEL ?? e.ONEKEY_LOG_LEVEL,
    network: e.ONEKEY_NETWORK,
    chainId: deployment.chainId,
    rpcUrl,
    entryPoint: entryPoint07Address,
    contracts: {
      kycRegistry: getAddress(kycRegistry.address),
      projectRegistry: getAddress(projectRegistry.address),
      paymaster: getAddress(paymaster.address),
      kycRegistryStartBlock: kycRegistry.startBlock,
    },
    sponsorSigner,
    kycSigner,
    flagsFile: e.ONEKEY_FLAGS_FILE ?? flagsFile(e.ONEKEY_NETWORK),
    plansFile: e.ONEKEY_PLANS_FILE ?? PLANS_FILE,
    audit:
      e.ONEKEY_ISSUER_AUDIT_URL && e.ONEKEY_ISSUER_AUDIT_TOKEN
        ? { url: e.ONEKEY_ISSUER_AUDIT_URL, token: e.ONEKEY_ISSUER_AUDIT_TOKEN }
        : undefined,
    database: {
      url: e.ONEKEY_ISSUER_DATABASE_URL,
      schema: e.ONEKEY_ISSUER_DATABASE_SCHEMA,
      migrateOnStart: e.ONEKEY_ISSUER_MIGRATE_ON_START,
    },
    redis: { url: e.ONEKEY_REDIS_URL, keyPrefix: e.ONEKEY_ISSUER_REDIS_KEY_PREFIX },
    sponsor: {
      simpleAccountFactories:
        e.ONEKEY_ISSUER_SPONSOR_SIMPLE_ACCOUNT_FACTORIES ?? (bookFactory ? [getAddress(bookFactory)] : []),
      kernelFactories: e.ONEKEY_ISSUER_SPONSOR_KERNEL_FACTORIES ?? [],
      kernelImplementations: e.ONEKEY_ISSUER_SPONSOR_KERNEL_IMPLEMENTATIONS ?? [],
      kernelValidators: e.ONEKEY_ISSUER_SPONSOR_KERNEL_VALIDATORS ?? [],
      safeProxyFactories: e.ONEKEY_ISSUER_SPONSOR_SAFE_PROXY_FACTORIES ?? [],
      safeSingletons: e.ONEKEY_ISSUER_SPONSOR_SAFE_SINGLETONS ?? [],
      safe4337Modules: e.ONEKEY_ISSUER_SPONSOR_SAFE_4337_MODULES ?? [],
      safeSetupContracts: e.ONEKEY_ISSUER_SPONSOR_SAFE_SETUP_CONTRACTS ?? [],
      coinbaseFactories: e.ONEKEY_ISSUER_SPONSOR_COINBASE_FACTORIES ?? [],
      coinbaseImplementations: e.ONEKEY_ISSUER_SPONSOR_COINBASE_IMPLEMENTATIONS ?? [],
      maxPriorityFeePerGas,
      baseFeeMultiplier: e.ONEKEY_ISSUER_SPONSOR_BASE_FEE_MULTIPLIER,
      l1DataGas: e.ONEKEY_ISSUER_SPONSOR_L1_DATA_GAS,
      ttlSeconds: e.ONEKEY_ISSUER_SPONSORSHIP_TTL_SECONDS,
      projectRatePerMinute: e.ONEKEY_ISSUER_SPONSOR_PROJECT_RATE_PER_MINUTE,
      subjectRatePerMinute: e.ONEKEY_ISSUER_SPONSOR_SUBJECT_RATE_PER_MINUTE,
      name: e.ONEKEY_ISSUER_SPONSOR_NAME,
    },
    kyc: {
      dappOrigin: origin.origin,
      siweDomain: origin.host,
      nonceTtlSeconds: e.ONEKEY_ISSUER_AUTH_NONCE_TTL_SECONDS,
      authTokenTtlSeconds: e.ONEKEY_ISSUER_AUTH_TOKEN_TTL_SECONDS,
      authRatePerMinute: e.ONEKEY_ISSUER_AUTH_RATE_PER_MINUTE,
      sessionTtlSeconds: e.ONEKEY_ISSUER_SESSION_TTL_SECONDS,
      sessionRetentionDays: e.ONEKEY_ISSUER_SESSION_RETENTION_DAYS,
      sessionSubjectRatePerMinute: e.ONEKEY_ISSUER_SESSION_SUBJECT_RATE_PER_MINUTE,
      sessionProjectRatePerMinute: e.ONEKEY_ISSUER_SESSION_PROJECT_RATE_PER_MINUTE,
      statusRefreshSeconds: e.ONEKEY_ISSUER_STATUS_REFRESH_SECONDS,
      projectCacheMs: e.ONEKEY_ISSUER_PROJECT_CACHE_MS,
      attestationDeadlineSeconds: e.ONEKEY_ISSUER_ATTESTATION_DEADLINE_SECONDS,
      levelExpiryDays: e.ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS,
      providers: e.ONEKEY_ISSUER_PROVIDERS,
      providerSettings,
      providerTimeoutMs: e.ONEKEY_ISSUER_PROVIDER_TIMEOUT_MS,
      breakerFailures: e.ONEKEY_ISSUER_BREAKER_FAILURES,
      breakerHalfOpenMs: e.ONEKEY_ISSUER_BREAKER_HALF_OPEN_MS,
      storage: {
        arweaveGateway,
        irysGateway: e.ONEKEY_ISSUER_IRYS_GATEWAY_URL,
        timeoutMs: e.ONEKEY_ISSUER_STORAGE_TIMEOUT_MS,
      },
      chainPollMs: e.ONEKEY_ISSUER_CHAIN_POLL_MS,
      chainConfirmations: e.ONEKEY_ISSUER_CHAIN_CONFIRMATIONS,
      cleanupIntervalMs: e.ONEKEY_ISSUER_CLEANUP_INTERVAL_MS,
      backgroundJobs: e.ONEKEY_ISSUER_BACKGROUND_JOBS,
      metricsToken: e.ONEKEY_ISSUER_METRICS_TOKEN,
      operatorToken: e.ONEKEY_ISSUER_OPERATOR_TOKEN,
    },
  };
}
