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
