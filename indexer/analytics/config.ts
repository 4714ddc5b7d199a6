/**
 * What costs are priced at: a fiat price for ETH (a PriceSource; locally a fixed price from the
 * environment) and a provider price list (per verification started, in the same currency).
 * Read once at start and validated; a bad value stops the start and names the variable.
 */
import { z } from "zod";
import { withoutEmpty } from "../lib/env.js";

/** Where the ETH price comes from. A live feed (an exchange, a Chainlink read) implements the same. */
export interface PriceSource {
  currency: string;
  /** Price of 1 ETH in `currency`, and what gave it. */
  ethPrice(at: Date): Promise<{ price: number; source: string }>;
}

export function fixedPriceSource(currency: string, price: number): PriceSource {
  return { currency, ethPrice: async () => ({ price, source: "fixed (ONEKEY_ANALYTICS_ETH_PRICE)" }) };
}

export interface AnalyticsConfig {
  currency: string;
  /** Unset: gas is reported in wei only. */
  prices?: PriceSource;
  /** Provider name to its fee per verification started, in `prices.currency`. */
  providerFees: Record<string, number>;
}

const money = z.coerce.number().finite().min(0);
const Env = z.object({
  ONEKEY_ANALYTICS_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD")
    .default("USD"),
  /** The fixed ETH price (local and test); unset, costs are given in wei only. */
  ONEKEY_ANALYTICS_ETH_PRICE: money.optional(),
  /** JSON: {"provider": fee per verification started, ...}. */
  ONEKEY_ANALYTICS_PROVIDER_FEES: z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      try {
        return z.record(z.string().min(1), money).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON like {"sandbox":0.5} (a fee per provider, >= 0)' });
        return z.NEVER;
      }
    }),
});

export function readAnalyticsConfig(env: Record<string, string | undefined> = process.env): AnalyticsConfig {
  const parsed = Env.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid analytics environment: ${issues}`);
  }
  const e = parsed.data;
  const price = e.ONEKEY_ANALYTICS_ETH_PRICE;
  return {
    currency: e.ONEKEY_ANALYTICS_CURRENCY,
    prices: price === undefined ? undefined : fixedPriceSource(e.ONEKEY_ANALYTICS_CURRENCY, price),
    providerFees: e.ONEKEY_ANALYTICS_PROVIDER_FEES,
  };
}

const Rebuild = z.object({
  /** How often the webhook worker rebuilds the derived metrics of the recent days. */
  ONEKEY_ANALYTICS_REBUILD_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** How many days back each of those rebuilds covers (today included). */
  ONEKEY_ANALYTICS_REBUILD_DAYS: z.coerce.number().int().min(1).max(366).default(2),
  /** The issuer's PostgreSQL (its kyc_sessions); unset, the issuer's figures are not derived. */
  ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: z.string().url().optional(),
  /** The issuer's schema there (its ONEKEY_ISSUER_DATABASE_SCHEMA). */
  ONEKEY_ANALYTICS_ISSUER_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("onekey_issuer"),
  /** Ponder's views schema (as the webhook worker reads it): where the chain's figures come from. */
  ONEKEY_INDEXER_VIEWS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("onekey"),
});

export interface RebuildConfig {
  everySeconds: number;
  days: number;
  issuerDatabaseUrl?: string;
  issuerSchema: string;
  viewsSchema: string;
}

export function readRebuildConfig(env: Record<string, string | undefined> = process.env): RebuildConfig {
  const parsed = Rebuild.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    // Names the variable, never its value (a database URL may hold a password).
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid analytics environment: ${issues}`);
  }
  return {
    everySeconds: parsed.data.ONEKEY_ANALYTICS_REBUILD_SECONDS,
    days: parsed.data.ONEKEY_ANALYTICS_REBUILD_DAYS,
    issuerDatabaseUrl: parsed.data.ONEKEY_ANALYTICS_ISSUER_DATABASE_URL,
    issuerSchema: parsed.data.ONEKEY_ANALYTICS_ISSUER_SCHEMA,
    viewsSchema: parsed.data.ONEKEY_INDEXER_VIEWS_SCHEMA,
  };
}
