import { type Address, getAddress, type Hex, isAddress } from "viem";
import { z } from "zod";

/**
 * The issuer service's configuration, read once from the environment at start. Anything missing
 * or malformed stops the service with a message naming the variable (never its value: some are keys).
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

export const configSchema = z.object({
  ISSUER_HOST: z.string().default("127.0.0.1"),
  ISSUER_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** JSON-RPC of the chain the paymaster lives on. */
  RPC_URL: z.string().url(),
  CHAIN_ID: z.coerce.number().int().positive(),
  ENTRY_POINT: address,
  PAYMASTER_ADDRESS: address,
  KYC_REGISTRY_ADDRESS: address,
  PROJECT_REGISTRY_ADDRESS: address,
  /** The paymaster's sponsorship signer key (never logged). */
  SPONSOR_SIGNER_PRIVATE_KEY: privateKey,
  /** Smart-account factories whose deployment (initCode) may be sponsored. */
  SPONSOR_ALLOWED_FACTORIES: addressList,
  /** Seconds a signed sponsorship stays valid. */
  SPONSORSHIP_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
  /** Signed sponsorships per (project, sender) per minute. */
  SPONSOR_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Display name returned to wallets as the sponsor. */
  SPONSOR_NAME: z.string().min(1).max(64).default("OneKey"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
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
