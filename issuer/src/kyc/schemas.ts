/**
 * Request and response schemas of the session API: they validate input (a 400 names the bad
 * field) and generate /openapi.json. Big numbers travel as decimal strings, times as ISO 8601.
 */
import { z } from "@hono/zod-openapi";
import { type Address, getAddress, type Hex, isAddress } from "viem";
import { KYC_CHECKS } from "./providers/provider.js";

export const AddressString = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => getAddress(v) as Address)
  .openapi({ type: "string", example: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" });

const UINT64_MAX = (1n << 64n) - 1n;
export const ProjectIdParam = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,19}$/, "must be a project id")
    .refine((v) => !/^[0-9]+$/.test(v) || BigInt(v) <= UINT64_MAX, "must be a uint64")
    .transform((v) => BigInt(v))
    .openapi({ type: "string", example: "1" }),
});
export const ProjectRefParam = z.object({
  ref: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, "must be a project slug or id")
    .openapi({ example: "acme-app" }),
});
export const SessionIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a session id (UUID)")
    .openapi({ example: "9b2d5a0e-3c55-4b0e-a0b8-0c6d5f1f4e21" }),
});
export const ProviderNameParam = z.object({ name: z.string().regex(/^[a-z0-9-]{1,32}$/) });

export const NonceBody = z.strictObject({ address: AddressString }).openapi("NonceRequest");
export const NonceAnswer = z
  .object({
    nonce: z.string(),
    domain: z.string().openapi({ description: "Put this in the message's domain (the dApp's host)" }),
    uri: z.string().openapi({ description: "Put this in the message's URI (the dApp's origin)" }),
    chainId: z.number().int(),
    expiresAt: z.string(),
  })
  .openapi("Nonce");

export const VerifyBody = z
  .strictObject({
    message: z.string().min(1).max(4096).openapi({ description: "The EIP-4361 message that was signed" }),
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]+$/, "must be 0x-prefixed hex")
      .max(8192)
      .transform((v) => v as Hex),
  })
  .openapi("SignIn");
export const TokenAnswer = z.object({ token: z.string(), address: z.string(), expiresAt: z.string() }).openapi("Token");

const Check = z.enum(KYC_CHECKS);
export const ProjectAnswer = z
  .object({
    projectId: z.string(),
    slug: z.string(),
    status: z.enum(["active", "suspended"]),
    requiredLevel: z.number().int(),
    providers: z.array(z.string()),
    checks: z.array(Check),
  })
  .openapi("Project");

export const SettingsBody = z
  .strictObject({
    providers: z.array(z.string().max(32)).min(1).max(8),
    checks: z.array(Check).min(1).max(4),
  })
  .openapi("KycSettings");

export const StartBody = z
  .strictObject({
    project: z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a project slug or id"),
    returnUrl: z.string().max(2048).optional().openapi({ description: "A URL on the dApp's origin to return to" }),
  })
  .openapi("StartSession");

const Launch = z
  .union([
    z.object({
      kind: z.literal("sdk-token"),
      provider: z.string(),
      token: z.string(),
      expiresAt: z.number(),
      sdk: z.object({ name: z.string(), version: z.string().optional() }),
    }),
    z.object({ kind: z.literal("hosted-url"), provider: z.string(), url: z.string(), expiresAt: z.number() }),
  ])
  .openapi("BrowserLaunch");

export const SessionAnswer = z
  .object({
    id: z.string(),
    projectId: z.string(),
    subject: z.string(),
    status: z.string(),
    provider: z.string().nullable(),
    launch: Launch.optional(),
    outcome: z.enum(["approved", "rejected", "needs_resubmission"]).optional(),
    reasonCodes: z.array(z.string()).optional(),
    steps: z.array(
      z.object({ step: z.string(), at: z.string(), reason: z.string().optional(), provider: z.string().optional() }),
    ),
    expiresAt: z.string(),
    fallbackAvailable: z.boolean(),
    resultDelivered: z.boolean(),
    level: z.number().int().optional(),
  })
  .openapi("Session");

export const ResultAnswer = z
  .object({
    result: z.object({
      outcome: z.enum(["approved", "rejected", "needs_resubmission"]),
      checksPassed: z.array(Check),
      documentType: z.string().optional(),
      reasonCodes: z.array(z.string()),
      provider: z.string(),
      providerReference: z.string(),
    }),
    personalData: z.record(z.string(), z.unknown()),
  })
  .openapi("DecidedRecord");

const Bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x-prefixed 32-byte hex")
  .transform((v) => v.toLowerCase() as Hex);

/** A storage id as bytes32 hex, or as the item's base64url id (43 characters). */
const StorageId = z
  .string()
  .max(66)
  .transform((v, ctx) => {
    if (/^0x[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase() as Hex;
    if (/^[A-Za-z0-9_-]{43}$/.test(v)) {
      const bytes = Buffer.from(v, "base64url");
      if (bytes.length === 32) return `0x${bytes.toString("hex")}` as Hex;
    }
    ctx.addIssue({ code: "custom", message: "must be bytes32 hex or a 43-character base64url item id" });
    return z.NEVER;
  })
  .openapi({ type: "string" });

export const AttestationBody = z
  .strictObject({
    storageNetwork: z
      .union([z.literal(1), z.literal(2), z.literal("arweave"), z.literal("irys")])
      .openapi({ description: "1 / arweave or 2 / irys (KycRegistry's STORAGE_*)" }),
    storageId: StorageId,
    ciphertextHash: Bytes32,
  })
  .openapi("RecordReport");

export const AttestationAnswer = z
  .object({
    request: z.object({
      subject: z.string(),
      level: z.number().int(),
      expiresAt: z.number().int(),
      storageNetwork: z.number().int(),
      storageId: z.string(),
      ciphertextHash: z.string(),
    }),
    nonce: z.string(),
    deadline: z.string(),
    signature: z.string(),
    registry: z.string(),
    chainId: z.number().int(),
    issuer: z.string(),
  })
  .openapi("SignedAttestation");

export const WebhookAnswer = z.object({ ok: z.literal(true), result: z.string() }).openapi("WebhookAccepted");
