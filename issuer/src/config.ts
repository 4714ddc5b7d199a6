import { type Address, getAddress, type Hex, isAddress, parseGwei } from "viem";
import { z } from "zod";

/**
 * The issuer service's configuration, read once from the environment at start. Anything missing
 * or malformed stops the service with a message naming the variable (never its value: some are
 * keys, and URLs may carry API keys).
 */
const address = z
  .string()
  .refine((v) => isAddress(v), "must be a 0x-prefixed 20-byte address")
  .transform((v) => getAddress(v) as Address);

const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((v) => v as Hex);

const addressList = z
  .string()
  .default("")
  .transform((v, ctx) => {
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

/** The local development chain (Hardhat): the only one with defaults for money limits. */
export const LOCAL_CHAIN_ID = 31337;

export const configSchema = z
  .object({
    ISSUER_HOST: z.string().default("127.0.0.1"),
    ISSUER_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    /** JSON-RPC of the chain the paymaster lives on (may carry an API key: never logged). */
    RPC_URL: secretUrl,
    CHAIN_ID: z.coerce.number().int().positive(),
    ENTRY_POINT: address,
    PAYMASTER_ADDRESS: address,
    KYC_REGISTRY_ADDRESS: address,
    PROJECT_REGISTRY_ADDRESS: address,
    /** The paymaster's sponsorship signer key (never logged). */
    SPONSOR_SIGNER_PRIVATE_KEY: privateKey,

    /** PostgreSQL of the issuer (its own schema): the attestation ledger. */
    ISSUER_DATABASE_URL: secretUrl,
    ISSUER_DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
      .default("onekey_issuer"),
    /** Apply pending migrations at start (one replica at a time: the migrator takes a lock). */
    ISSUER_MIGRATE_ON_START: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    /** Redis shared by every replica: the rate limits live there. */
    ISSUER_REDIS_URL: secretUrl.default("redis://127.0.0.1:6379"),
    ISSUER_REDIS_KEY_PREFIX: z.string().min(1).max(64).default("onekey:issuer"),

    /** eth-infinitism SimpleAccountFactory v0.7 addresses: their accounts are sponsored. */
    SPONSOR_SIMPLE_ACCOUNT_FACTORIES: addressList,
    /** Kernel v3 factories (KernelFactory, and the FactoryStaker meta factory) whose accounts are sponsored. */
    SPONSOR_KERNEL_FACTORIES: addressList,
    /** Kernel v3 implementations a deployed Kernel's ERC-1967 slot may hold. */
    SPONSOR_KERNEL_IMPLEMENTATIONS: addressList,
    /** ECDSA validators a new Kernel may have as its root validator. */
    SPONSOR_KERNEL_VALIDATORS: addressList,
    /** SafeProxyFactory addresses whose Safes are sponsored. */
    SPONSOR_SAFE_PROXY_FACTORIES: addressList,
    /** Safe singletons (L2 or L1 1.4.1) a Safe proxy may point at. */
    SPONSOR_SAFE_SINGLETONS: addressList,
    /** Safe 4337 modules (the fallback handler and only module of a sponsored Safe). */
    SPONSOR_SAFE_4337_MODULES: addressList,
    /** SafeModuleSetup and MultiSend contracts a new Safe's setup may delegatecall. */
    SPONSOR_SAFE_SETUP_CONTRACTS: addressList,
    /** Coinbase Smart Wallet factories whose accounts are sponsored. */
    SPONSOR_COINBASE_FACTORIES: addressList,
    /** Coinbase Smart Wallet implementations a deployed wallet's ERC-1967 slot may hold. */
    SPONSOR_COINBASE_IMPLEMENTATIONS: addressList,

    /** Most maxPriorityFeePerGas signed, in wei. Required off the local chain. */
    SPONSOR_MAX_PRIORITY_FEE_PER_GAS: quantity.optional(),
    /** maxFeePerGas <= latest base fee x this + the priority ceiling. */
    SPONSOR_BASE_FEE_MULTIPLIER: z.coerce.number().int().min(1).max(10).default(3),
    /** Gas added to the preVerificationGas cap for the L1 data fee of OP-stack chains (Base). */
    SPONSOR_L1_DATA_GAS: quantity.default(0n),

    /** Seconds a signed sponsorship stays valid. */
    SPONSORSHIP_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
    /** Signed sponsorships per project per minute, across every replica. */
    SPONSOR_PROJECT_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Signed sponsorships per subject (sender) per minute, across every replica and project. */
    SPONSOR_SUBJECT_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Display name returned to wallets as the sponsor. */
    SPONSOR_NAME: z.string().min(1).max(64).default("OneKey"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
  })
  .transform((config, ctx) => {
    let priorityCeiling = config.SPONSOR_MAX_PRIORITY_FEE_PER_GAS;
    if (priorityCeiling === undefined) {
      if (config.CHAIN_ID !== LOCAL_CHAIN_ID) {
        ctx.addIssue({
          code: "custom",
          path: ["SPONSOR_MAX_PRIORITY_FEE_PER_GAS"],
          message: "is required off the local chain (wei; e.g. 10000000 = 0.01 gwei on Base)",
        });
        return z.NEVER;
      }
      // viem's default estimate on Hardhat is 2 x eth_maxPriorityFeePerGas = 2 gwei.
      priorityCeiling = parseGwei("2");
    }
    return { ...config, SPONSOR_MAX_PRIORITY_FEE_PER_GAS: priorityCeiling };
  });

export type IssuerConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined> = process.env): IssuerConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid issuer configuration:\n${problems}`);
  }
  return parsed.data;
}
