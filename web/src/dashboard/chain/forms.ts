/**
 * The chain screens' form checks, one zod schema per form. They refuse what the contracts would
 * refuse (so the person reads why before anything is simulated or sent) and what would be a
 * mistake even though the contract takes it (a duplicate accepted issuer, an amount with more
 * than 18 decimals). Each parse returns the typed call arguments or a message per field.
 */
import { type Address, getAddress, isAddress, parseEther, zeroAddress } from "viem";
import { z } from "zod";

/** ProjectRegistry.MAX_ACCEPTED_ISSUERS. */
export const MAX_ACCEPTED_ISSUERS = 16;
/** OneKeyPaymaster.MAX_BALANCE: the most a project's budget may hold (`type(uint96).max >> 1`). */
export const MAX_BALANCE = (2n ** 96n - 1n) >> 1n;
const UINT96_MAX = 2n ** 96n - 1n;
const UINT32_MAX = 2 ** 32 - 1;
/** Metadata URIs are stored on chain and paid for per byte: keep them to a link. */
export const MAX_METADATA_URI = 2048;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

function parse<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

export const accountAddress = z
  .string()
  .trim()
  .refine((s) => isAddress(s, { strict: false }), "Enter an address: 0x followed by 40 hexadecimal characters.")
  .transform((s) => getAddress(s))
  .refine((a) => a !== zeroAddress, "The zero address cannot hold a role or own anything.");

const metadataUri = z
  .string()
  .trim()
  .max(MAX_METADATA_URI, `At most ${MAX_METADATA_URI} characters.`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "No control characters or line breaks.")
  .refine((s) => s === "" || /^[a-z][a-z0-9+.-]*:\S+$/i.test(s), "A link such as https://… or ipfs://…, or nothing.");

/** A wei amount typed in ETH: a decimal with at most 18 places. */
function ethAmount({ allowZero, max, maxWords }: { allowZero: boolean; max: bigint; maxWords: string }) {
  return z
    .string()
    .trim()
    .refine((s) => /^\d+(\.\d+)?$/.test(s), "Enter an amount in ETH, such as 0.05.")
    .refine((s) => (s.split(".")[1]?.length ?? 0) <= 18, "At most 18 decimal places (1 wei).")
    .transform((s) => parseEther(s))
    .refine((wei) => allowZero || wei > 0n, "The amount must be more than zero.")
    .refine((wei) => wei <= max, maxWords);
}

const level = z.coerce
  .number({ error: "Enter a level from 1 to 255." })
  .int("Enter a whole number from 1 to 255.")
  .min(1, "Levels run from 1 to 255.")
  .max(255, "Levels run from 1 to 255.");

/** Accepted issuers, one per line or separated by commas: at most 16 distinct non-zero addresses. */
const issuers = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const entry of list) {
      if (!isAddress(entry, { strict: false })) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not an address.` });
        return;
      }
      const key = entry.toLowerCase();
      if (key === zeroAddress) {
        ctx.addIssue({ code: "custom", message: "The zero address cannot be an issuer." });
        return;
      }
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", message: `${getAddress(entry)} is listed twice.` });
        return;
      }
      seen.add(key);
    }
    if (list.length > MAX_ACCEPTED_ISSUERS) {
      ctx.addIssue({
        code: "custom",
        message: `At most ${MAX_ACCEPTED_ISSUERS} accepted issuers (${list.length} given).`,
      });
    }
  })
  .transform((list) => list.map((a) => getAddress(a)));

export interface OrganizationForm {
  owner: Address;
  metadataURI: string;
}
export function parseOrganization(input: { owner: string; metadataURI: string }): Parsed<OrganizationForm> {
  return parse(z.object({ owner: accountAddress, metadataURI: metadataUri }), input);
}

export function parseMetadata(input: { metadataURI: string }): Parsed<{ metadataURI: string }> {
  return parse(z.object({ metadataURI: metadataUri }), input);
}

export function parseAccount(input: { account: string }): Parsed<{ account: Address }> {
  return parse(z.object({ account: accountAddress }), input);
}

export interface ProjectSettingsForm {
  requiredLevel: number;
  acceptedIssuers: Address[];
  metadataURI: string;
}
export function parseSettings(input: {
  requiredLevel: string;
  acceptedIssuers: string;
  metadataURI: string;
}): Parsed<ProjectSettingsForm> {
  return parse(z.object({ requiredLevel: level, acceptedIssuers: issuers, metadataURI: metadataUri }), input);
}

export function parseFund(input: { amount: string }, balance: bigint): Parsed<{ amount: bigint }> {
  const room = MAX_BALANCE > balance ? MAX_BALANCE - balance : 0n;
  return parse(
    z.object({
      amount: ethAmount({
        allowZero: false,
        max: room,
        maxWords: "That would take the budget past the most a project may hold.",
      }),
    }),
    input,
  );
}

export function parseWithdraw(
  input: { amount: string; to: string },
  balance: bigint,
): Parsed<{ amount: bigint; to: Address }> {
  return parse(
    z.object({
      amount: ethAmount({
        allowZero: false,
        max: balance,
        maxWords: "That is more than the budget holds.",
      }),
      to: accountAddress,
    }),
    input,
  );
}

export const PERIOD_UNITS = { seconds: 1, hours: 3600, days: 86_400 } as const;
export type PeriodUnit = keyof typeof PERIOD_UNITS;

export interface PolicyForm {
  perUserCap: bigint;
  periodCap: bigint;
  periodSeconds: number;
  maxOpCost: bigint;
}
export function parsePolicy(input: {
  perUserCap: string;
  periodCap: string;
  period: string;
  periodUnit: PeriodUnit;
  maxOpCost: string;
}): Parsed<PolicyForm> {
  const cap = ethAmount({ allowZero: true, max: UINT96_MAX, maxWords: "That is more than the paymaster can count." });
  const parsed = parse(
    z.object({
      perUserCap: cap,
      periodCap: cap,
      maxOpCost: cap,
      period: z
        .string()
        .trim()
        .refine((s) => /^\d+$/.test(s), "Enter a whole number (0 = one period that never ends).")
        .transform(Number),
      periodUnit: z.enum(Object.keys(PERIOD_UNITS) as [PeriodUnit, ...PeriodUnit[]]),
    }),
    input,
  );
  if (!parsed.ok) return parsed;
  const { perUserCap, periodCap, maxOpCost, period, periodUnit } = parsed.value;
  const periodSeconds = period * PERIOD_UNITS[periodUnit];
  if (periodSeconds > UINT32_MAX) {
    return { ok: false, errors: { period: "At most about 136 years (2^32 - 1 seconds)." } };
  }
  return { ok: true, value: { perUserCap, periodCap, periodSeconds, maxOpCost } };
}

/** The period, as the form shows it again: the largest unit that divides it. */
export function periodFields(periodSeconds: number): { period: string; periodUnit: PeriodUnit } {
  if (periodSeconds > 0 && periodSeconds % PERIOD_UNITS.days === 0)
    return { period: String(periodSeconds / PERIOD_UNITS.days), periodUnit: "days" };
  if (periodSeconds > 0 && periodSeconds % PERIOD_UNITS.hours === 0)
    return { period: String(periodSeconds / PERIOD_UNITS.hours), periodUnit: "hours" };
  return { period: String(periodSeconds), periodUnit: "seconds" };
}
