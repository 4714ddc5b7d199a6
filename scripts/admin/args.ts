import { getAddress, isAddress, isHex, parseEther, zeroAddress } from "viem";
import { z } from "zod";
import { type ProjectRoleName, projectRoleNames, projectRoles } from "./roles.js";

/** A bad command-line argument; its message names the option and says what is expected. */
export class ArgumentError extends Error {
  override name = "ArgumentError";
}

const MAX_UINT64 = 2n ** 64n - 1n;
const MAX_UINT96 = 2n ** 96n - 1n;
const MAX_UINT32 = 2 ** 32 - 1;
// Same rule as ProjectRegistry._validateSlug: 3-64 of [a-z0-9-], no '-' at either end.
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

/** A required option (Hardhat hands over `undefined` when it is missing). */
function required() {
  return z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") }).trim();
}

export const address = () =>
  required()
    .refine((v) => isAddress(v), {
      abort: true,
      error: (issue) => `must be an address (0x and 40 hex digits, checksummed if mixed case), got "${issue.input}"`,
    })
    .transform((v) => getAddress(v));

export const account = () => address().refine((v) => v !== zeroAddress, { error: "must not be the zero address" });

/** A positive uint64 id (organization or project). */
export const id = () =>
  required()
    .regex(/^[1-9][0-9]*$/, {
      abort: true,
      error: (issue) => `must be a positive whole number, got "${issue.input}"`,
    })
    .transform((v) => BigInt(v))
    .refine((v) => v <= MAX_UINT64, { error: "must fit in 64 bits" });

export const slug = () =>
  required().regex(SLUG, {
    error: (issue) =>
      `must be 3-64 characters of a-z, 0-9 and '-', not starting or ending with '-', got "${issue.input}"`,
  });

const isId = (v: string) => /^[1-9][0-9]*$/.test(v) && BigInt(v) <= MAX_UINT64;

/** A project named by id or by slug (all digits read as an id). */
export const projectRef = () =>
  required()
    .refine((v) => (/^[0-9]+$/.test(v) ? isId(v) : SLUG.test(v)), {
      abort: true,
      error: (issue) => `must be a project id or slug, got "${issue.input}"`,
    })
    .transform((v): { id: bigint } | { slug: string } => (/^[0-9]+$/.test(v) ? { id: BigInt(v) } : { slug: v }));

export const level = () =>
  required()
    .regex(/^[0-9]+$/, {
      abort: true,
      error: (issue) => `must be a whole number from 1 to 255, got "${issue.input}"`,
    })
    .transform((v) => Number(v))
    .refine((v) => v >= 1 && v <= 255, { error: (issue) => `must be from 1 to 255, got ${issue.input}` });

export const role = () =>
  required()
    .refine((v): v is ProjectRoleName => Object.hasOwn(projectRoles, v), {
      abort: true,
      error: (issue) => `must be one of ${projectRoleNames.join(", ")}, got "${issue.input}"`,
    })
    .transform((v) => ({ name: v as ProjectRoleName, bit: projectRoles[v as ProjectRoleName] }));

function parseAddressList(v: string | undefined, ctx: z.RefinementCtx): `0x${string}`[] {
  const items = (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const problem = (message: string) => {
    ctx.issues.push({ code: "custom", message, input: v });
    return z.NEVER;
  };
  const bad = items.find((item) => !isAddress(item));
  if (bad !== undefined) return problem(`lists "${bad}", which is not an address`);
  const addresses = items.map((item) => getAddress(item));
  if (addresses.includes(zeroAddress)) return problem("must not list the zero address");
  if (new Set(addresses).size !== addresses.length) return problem("lists an address twice");
  return addresses;
}

/** Comma-separated addresses; missing or empty means none. */
export const addressList = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => parseAddressList(v, ctx));

/**
 * Accepted issuers to change to: comma-separated addresses, or "any" (any registered issuer);
 * missing (undefined) keeps the current ones.
 */
export const issuersChange = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (v === "any") return [];
      if (v === "") {
        ctx.issues.push({ code: "custom", message: 'is empty: list issuer addresses, or "any"', input: v });
        return z.NEVER;
      }
      return parseAddressList(v, ctx);
    });

/** Public metadata URI: empty, or an absolute URI (ipfs://, ar://, https://...). */
export const metadataUri = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v === "" || (URL.canParse(v) && v.length <= 2048), {
      error: (issue) =>
        `must be an absolute URI such as ipfs://... or https://... (at most 2048 characters), got "${issue.input}"`,
    });

/**
 * An amount of ether as people write it ("0.5", "2", "0.000001"): at most 18 decimals, parsed with
 * viem's parseEther into wei. Negative, exponent and other spellings are refused, not guessed at.
 * `max` bounds the wei (the paymaster stores budgets and caps in 96 bits).
 */
function etherAmount({ allowZero, max = MAX_UINT96 }: { allowZero: boolean; max?: bigint }) {
  return required()
    .regex(/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/, {
      abort: true,
      error: (issue) => `must be an amount of ETH such as 0.5 or 2 (no sign, no units), got "${issue.input}"`,
    })
    .refine((v) => (v.split(".")[1] ?? "").length <= 18, {
      abort: true,
      error: (issue) => `must have at most 18 decimals (1 wei = 0.000000000000000001 ETH), got "${issue.input}"`,
    })
    .transform((v) => parseEther(v))
    .refine((wei) => allowZero || wei > 0n, { abort: true, error: "must be more than 0 ETH" })
    .refine((wei) => wei <= max, { error: `must be at most ${max} wei` });
}

/** A positive amount of ETH, in wei (funding, deposits, withdrawals, stake). */
export const amount = () => etherAmount({ allowZero: false, max: 2n ** 256n - 1n });

/** A budget-sized amount of ETH (fits the paymaster's 96-bit fields); 0 means "none". */
export const cap = () => etherAmount({ allowZero: true });

/** A positive budget-sized amount of ETH (fits the paymaster's 96-bit balances). */
export const budgetAmount = () => etherAmount({ allowZero: false });

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration in whole seconds, written as seconds ("3600") or with a unit ("30m", "12h", "7d"); 0 allowed. */
export const duration = () =>
  required()
    .regex(/^[0-9]+[smhd]?$/, {
      abort: true,
      error: (issue) => `must be whole seconds or a number with s, m, h or d (e.g. 86400 or 1d), got "${issue.input}"`,
    })
    .transform((v) => {
      const unit = UNITS[v.at(-1) ?? ""];
      return unit === undefined ? Number(v) : Number(v.slice(0, -1)) * unit;
    })
    .refine((v) => Number.isSafeInteger(v) && v <= MAX_UINT32, {
      error: `must be at most ${MAX_UINT32} seconds (about 136 years)`,
    });

/** A 32-byte hex value (an attestation uid). */
export const bytes32 = () =>
  required()
    .refine((v) => isHex(v, { strict: true }) && v.length === 66, {
      error: (issue) => `must be 0x and 64 hex digits, got "${issue.input}"`,
    })
    .transform((v) => v.toLowerCase() as `0x${string}`);

/** A metadata URI that must be given: an absolute URI, or "" to clear it. */
export const requiredMetadataUri = () =>
  required().refine((v) => v === "" || (URL.canParse(v) && v.length <= 2048), {
    error: (issue) =>
      `must be an absolute URI such as ipfs://... or https://... (at most 2048 characters), or "" to clear it, got "${issue.input}"`,
  });

/** A metadata URI that may be left out (undefined: keep the current one). */
export const optionalMetadataUri = () =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === "" || (URL.canParse(v) && v.length <= 2048), {
      error: (issue) =>
        `must be an absolute URI such as ipfs://... or https://... (at most 2048 characters), got "${issue.input}"`,
    });

/**
 * `--safe` / `--safe-out` / `--from`, the options of commands governance (a Safe multisig on Base)
 * runs: print a Safe Transaction Builder batch instead of sending, simulated as `--from`.
 */
const safeOptions = {
  safe: z.boolean().default(false),
  safeOut: z.string().trim().min(1, { error: "must name a file" }).optional(),
  safeAppend: z.string().trim().min(1, { error: "must name a file" }).optional(),
  from: account().optional(),
};

type SafeChoiceArgs = { safe: boolean; safeOut?: string; safeAppend?: string; from?: string };

/** A governance command's options: its own, plus --safe, --safe-out, --safe-append and --from. */
export function governanceArgs<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, ...safeOptions })
    .refine(
      (v) => {
        const o = v as SafeChoiceArgs;
        return o.from === undefined || o.safe || o.safeOut !== undefined || o.safeAppend !== undefined;
      },
      {
        path: ["from"],
        error: "only goes with --safe, --safe-out or --safe-append (it names the Safe the batch is simulated as)",
      },
    )
    .refine((v) => (v as SafeChoiceArgs).safeOut === undefined || (v as SafeChoiceArgs).safeAppend === undefined, {
      path: ["safeAppend"],
      error: "does not go with --safe-out: write a new batch, or add to an existing one",
    });
}

function optionName(key: PropertyKey | undefined): string {
  if (typeof key !== "string") return "arguments";
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * For a check across options ("give at least one of ..."): run it only when every option parsed,
 * so a malformed option is reported alone rather than also as missing.
 */
export const whenOptionsValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/** Parses task arguments or throws an ArgumentError listing every bad option by its CLI name. */
export function parseArguments<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  // An issue without a path is about the options together; its message stands alone.
  const lines = result.error.issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${optionName(issue.path[0])} ${issue.message}`,
  );
  throw new ArgumentError(
    lines.length === 1 ? `Invalid argument: ${lines[0]}` : `Invalid arguments:\n  ${lines.join("\n  ")}`,
  );
}
