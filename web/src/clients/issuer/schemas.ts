/**
 * The issuer's session API as the dApp reads it (issuer/SESSIONS.md is the contract): every
 * response is parsed here, so a field the issuer renames fails loudly at the boundary instead of
 * deep inside a screen. Types mirror issuer/src/kyc/providers/provider.ts (BrowserLaunch,
 * NormalizedResult); provider names stay open strings (`sandbox-<name>` instances exist).
 */
import { z } from "zod";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 0x address") as z.ZodType<`0x${string}`>;
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "0x hex") as z.ZodType<`0x${string}`>;
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "32 bytes of hex") as z.ZodType<`0x${string}`>;
/** Ids and big numbers arrive as JSON numbers or decimal strings; the dApp keeps them as strings. */
const decimal = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
/** Times arrive as ISO strings or unix numbers (seconds or ms); kept as ms since the epoch. */
const instant = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms =
    typeof value === "number" ? (value < 1e12 ? value * 1000 : value) : Date.parse(value) || Number(value) * 1000;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: "a time" });
    return z.NEVER;
  }
  return ms;
});

export { KYC_CHECKS } from "@onekey/deploy";
export const SESSION_STATUSES = [
  "created",
  "provider_started",
  "submitted",
  "decided",
  "record_stored",
  "attestation_signed",
  "attested",
  "consented",
  "expired",
  "failed",
] as const;
export const OUTCOMES = ["approved", "rejected", "needs_resubmission"] as const;

export const BrowserLaunch = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("sdk-token"),
    provider: z.string(),
    token: z.string(),
    expiresAt: instant,
    sdk: z.object({ name: z.string(), version: z.string().optional() }),
  }),
  z.object({ kind: z.literal("hosted-url"), provider: z.string(), url: z.url(), expiresAt: instant }),
]);
export type BrowserLaunch = z.infer<typeof BrowserLaunch>;

export const Session = z.object({
  id: z.string().min(1),
  projectId: decimal,
  subject: address,
  status: z.enum(SESSION_STATUSES),
  /** None yet when no provider could be reached. */
  provider: z
    .string()
    .nullable()
    .transform((p) => p ?? undefined),
  launch: BrowserLaunch.optional().nullable(),
  outcome: z.enum(OUTCOMES).optional().nullable(),
  reasonCodes: z.array(z.string()).optional().nullable(),
  steps: z.array(z.object({ step: z.string(), at: instant, reason: z.string().optional().nullable() })).default([]),
  expiresAt: instant,
  fallbackAvailable: z.boolean().default(false),
  /** The level an approved result earns under the issuer's policy (an extension of SESSIONS.md). */
  level: z.number().int().optional(),
});
export type Session = z.infer<typeof Session>;
export type SessionStatus = Session["status"];

export const Project = z.object({
  projectId: decimal,
  slug: z.string(),
  status: z.string(),
  requiredLevel: z.number().int(),
  providers: z.array(z.string()),
  checks: z.array(z.string()),
});
export type Project = z.infer<typeof Project>;

export const Nonce = z.object({
  nonce: z.string().min(8),
  domain: z.string(),
  uri: z.string(),
  chainId: z.number().int(),
  expiresAt: instant,
});
export type Nonce = z.infer<typeof Nonce>;

export const SignIn = z.object({ token: z.string().min(1), address, expiresAt: instant });
export type SignIn = z.infer<typeof SignIn>;

export const NormalizedResult = z.object({
  outcome: z.enum(OUTCOMES),
  checksPassed: z.array(z.string()),
  documentType: z.string().optional(),
  reasonCodes: z.array(z.string()),
  provider: z.string(),
  providerReference: z.string(),
});

/** The one response that carries personal data: it goes straight into the envelope. */
export const ResultPull = z.object({
  result: NormalizedResult,
  personalData: z.record(z.string(), z.unknown()),
});
export type ResultPull = z.infer<typeof ResultPull>;

export const AttestationGrant = z.object({
  request: z.object({
    subject: address,
    level: z.number().int(),
    expiresAt: z.number().int(),
    storageNetwork: z.number().int(),
    storageId: bytes32,
    ciphertextHash: bytes32,
  }),
  nonce: decimal,
  deadline: decimal,
  signature: hex,
  registry: address,
  chainId: z.number().int(),
});
export type AttestationGrant = z.infer<typeof AttestationGrant>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
