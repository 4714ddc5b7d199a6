import { getAddress, isAddress, zeroAddress } from "viem";
import { z } from "zod/v4";
import { type ProjectRoleName, projectRoleNames, projectRoles } from "./roles.js";

/** A bad command-line argument; its message names the option and says what is expected. */
export class ArgumentError extends Error {
  override name = "ArgumentError";
}

const MAX_UINT64 = 2n ** 64n - 1n;
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

/** Comma-separated addresses; missing or empty means none. */
export const addressList = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
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

function optionName(key: PropertyKey | undefined): string {
  if (typeof key !== "string") return "arguments";
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Parses task arguments or throws an ArgumentError listing every bad option by its CLI name. */
export function parseArguments<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${optionName(issue.path[0])} ${issue.message}`);
  throw new ArgumentError(
    lines.length === 1 ? `Invalid argument: ${lines[0]}` : `Invalid arguments:\n  ${lines.join("\n  ")}`,
  );
}
