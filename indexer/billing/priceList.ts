/**
 * The price list: versioned files in billing/prices/<version>.json, one schema. A month is priced
 * by the list in force at its start (the latest `effectiveFrom` not after it), so a list added for
 * a later month never changes an earlier month's statement. Prices are decimal strings, turned
 * into integer micro-units (1/1,000,000 of the currency) so nothing accumulates float error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const Price = z.string().regex(/^\d{1,9}(\.\d{1,6})?$/, "must be a decimal string like 1.25 (at most 6 decimals)");

const PriceListFile = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/),
    /** The first month (YYYY-MM) this list prices. */
    effectiveFrom: z.string().regex(MONTH, "must be a month, YYYY-MM"),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
    /**
     * Per verification decided (approved or rejected): provider -> level -> price; "*" matches any
     * provider or level. The most specific entry wins: provider+level, provider+*, *+level, *+*.
     */
    verifications: z
      .record(z.string().min(1), z.record(z.string().regex(/^(\*|\d{1,3})$/), Price))
      .refine((v) => v["*"]?.["*"] !== undefined, 'must price every verification: "*": { "*": price }'),
    /** Per organization and month: calls above the free tier, priced per 1,000. */
    apiCalls: z.object({ freeTierPerMonth: z.number().int().min(0), per1000: Price }),
    /** Per webhook delivery accepted by the endpoint. */
    webhookDelivery: Price,
    /** Gas sponsored, at cost (wei at the ETH price) plus this margin (1000 = 10%). */
    gas: z.object({ marginBasisPoints: z.number().int().min(0).max(100_000) }),
  })
  .strict();

export type PriceList = z.infer<typeof PriceListFile>;

export const PRICES_DIR = fileURLToPath(new URL("./prices/", import.meta.url));

/** Every list in the directory, validated (a bad file stops everything and is named), oldest first. */
export function loadPriceLists(dir: string = PRICES_DIR): PriceList[] {
  const lists = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => {
      const parsed = PriceListFile.safeParse(JSON.parse(readFileSync(join(dir, file), "utf8")));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
        throw new Error(`Invalid price list ${file}: ${issues}`);
      }
      return parsed.data;
    });
  return validatePriceLists(lists);
}

/** Sorted by `effectiveFrom`; two lists for one month, or one version twice, are refused. */
export function validatePriceLists(lists: PriceList[]): PriceList[] {
  const sorted = [...lists]
    .map((l) => PriceListFile.parse(l))
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1] as PriceList, sorted[i] as PriceList];
    if (a.effectiveFrom === b.effectiveFrom)
      throw new Error(`Price lists ${a.version} and ${b.version} both start ${a.effectiveFrom}`);
  }
  if (new Set(sorted.map((l) => l.version)).size !== sorted.length) throw new Error("Two price lists share a version");
  return sorted;
}

/** The list in force for `month` (YYYY-MM), or undefined when the month predates every list. */
export function priceListFor(lists: PriceList[], month: string): PriceList | undefined {
  return lists.filter((l) => l.effectiveFrom <= month).at(-1);
}

export function verificationPrice(list: PriceList, provider: string, level: string): string {
  const v = list.verifications;
  return (v[provider]?.[level] ?? v[provider]?.["*"] ?? v["*"]?.[level] ?? v["*"]?.["*"]) as string;
}

const MICRO_DIGITS = 6;
/** "1.25" -> 1_250_000n (micro-units). */
export function toMicro(price: string): bigint {
  const [whole, frac = ""] = price.split(".");
  return BigInt(whole as string) * 10n ** BigInt(MICRO_DIGITS) + BigInt(frac.padEnd(MICRO_DIGITS, "0"));
}

/** Micro-units to cents, half up (amounts are never negative here). */
export const microToCents = (micro: bigint) => (micro + 5_000n) / 10_000n;

/** 1234n cents -> "12.34". */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
