/**
 * Request and response schemas: they validate input (a 400 names the bad field) and generate
 * /openapi.json. Numbers that can exceed 2^53 (ids, wei, block numbers) travel as decimal strings;
 * times as ISO 8601.
 */
import { z } from "@hono/zod-openapi";
import type { Hex } from "viem";
import { WEBHOOK_EVENT_TYPES } from "../../webhooks/catalogue.js";
import { MAX_ENDPOINT_RATE_LIMIT } from "../../webhooks/policy.js";
import { DELIVERY_STATUSES } from "../../webhooks/store/deliveries.js";
import { SCOPES } from "./auth/apiKeys.js";

/**
 * A project id in an admin path. On-chain ids are uint64, but the API's own tables (audit log,
 * keys) store them as PostgreSQL bigint: a larger id could never be administered, and must be a
 * 400 rather than a failed write. Project ids are sequential, so real ones are far below this.
 */
const INT64_MAX = 2n ** 63n - 1n;

export const ProjectIdString = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, "must be a positive integer of at most 19 digits")
  // Checks on one schema all run in zod 4: guard the conversion, or "abc" would throw here.
  .refine((v) => !/^[0-9]+$/.test(v) || BigInt(v) <= INT64_MAX, `must be at most ${INT64_MAX}`)
  .transform((v) => BigInt(v))
  .openapi({ type: "string", example: "1" });

export const AddressString = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => v.toLowerCase() as Hex)
  .openapi({ type: "string", example: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" });

export const KeyIdString = z
  .string()
  .regex(/^key_[A-Za-z0-9_-]{12}$/, "must be an API key id (key_...)")
  .openapi({ example: "key_Xw3k9QpL2mNa" });

/** An opaque pagination cursor, as returned in `nextCursor`. */
export const CursorString = z.string().min(1).max(200).openapi({ description: "`nextCursor` of the previous page" });

const Limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,4}$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    .openapi({ type: "integer", minimum: 1, maximum: max, default: fallback });

/** Unix seconds or an ISO 8601 date-time, as whole Unix seconds. */
const TimeParam = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const ms = /^[0-9]{1,12}$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!/^[0-9]{1,12}$/.test(value) && !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      ctx.addIssue({ code: "custom", message: "must be Unix seconds or an ISO 8601 date-time" });
      return z.NEVER;
    }
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "is not a valid date-time" });
      return z.NEVER;
    }
    return BigInt(Math.floor(ms / 1000));
  })
  .openapi({ type: "string", example: "2026-01-01T00:00:00Z" });

// ---------------------------------------------------------------- requests

export const SubjectParams = z.object({
  address: AddressString.openapi({ param: { name: "address", in: "path" } }),
});

export const AdminProjectParams = z.object({
  projectId: ProjectIdString.openapi({ param: { name: "projectId", in: "path" } }),
});

export const AdminKeyParams = AdminProjectParams.extend({
  keyId: KeyIdString.openapi({ param: { name: "keyId", in: "path" } }),
});

export const ConsentsQuery = z.strictObject({
  minLevel: z
    .string()
    .regex(/^[0-9]{1,3}$/, "must be an integer 0-255")
    .transform(Number)
    .pipe(z.number().int().min(0).max(255))
    .optional()
    .openapi({
      type: "integer",
      minimum: 0,
      maximum: 255,
      description: "Only subjects whose attestation level is at least this",
    }),
  updatedSince: TimeParam.optional().openapi({
    description: "Only consents changed (or whose attestation changed) at or after this time",
  }),
  status: z.enum(["active", "revoked", "all"]).default("active").openapi({ description: "Consent state" }),
  cursor: CursorString.optional(),
  limit: Limit(500, 100),
});

export const PageQuery = z.strictObject({
  cursor: CursorString.optional(),
  limit: Limit(100, 50),
});

/** The audit log's filters: who (exact), what (an action or its prefix, e.g. `api_key`), when (ISO 8601). */
export const AuditQuery = PageQuery.extend({
  actor: z.string().trim().min(1).max(128).optional().openapi({ description: "Exact actor (an address or key id)" }),
  action: z
    .string()
    .regex(/^[a-z_.]{1,64}$/, "must be an action or its prefix, e.g. api_key or record.open")
    .optional(),
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Entries at or after this time" }),
  until: z.iso.datetime({ offset: true }).optional().openapi({ description: "Entries at or before this time" }),
});

export const NoQuery = z.strictObject({});

export const UsageQuery = z.strictObject({
  days: z
    .string()
    .regex(/^[0-9]{1,3}$/, "must be an integer 1-90")
    .transform(Number)
    .pipe(z.number().int().min(1).max(90))
    .default(30)
    .openapi({
      type: "integer",
      minimum: 1,
      maximum: 90,
      description: "How many days back, today included (default 30)",
    }),
});

export const LoginBody = z
  .strictObject({
    message: z.string().min(1).max(4096).openapi({ description: "The EIP-4361 message that was signed" }),
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]+$/, "must be 0x-prefixed hex")
      .max(8192)
      .transform((v) => v as Hex),
  })
  .openapi("LoginRequest");

export const CreateKeyBody = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\p{L}\p{N} ._:/-]+$/u, "may hold letters, digits, spaces and . _ : / -"),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: "When the key stops working" }),
  })
  .openapi("CreateApiKeyRequest");

export const RotateKeyBody = z
  .strictObject({
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(0)
      .openapi({ description: "How long the old key keeps working (default 0: stops now)" }),
  })
  .openapi("RotateApiKeyRequest");

// ---------------------------------------------------------------- responses

const Time = z.string().openapi({ format: "date-time" });
const Uint = z.string().openapi({ description: "Decimal integer", example: "1" });

export const Project = z
  .object({
    projectId: Uint,
    orgId: Uint,
    slug: z.string(),
    status: z.enum(["active", "suspended", "none"]),
    requiredLevel: z.number().int(),
    acceptedIssuers: z.array(z.string()),
    metadataUri: z.string(),
    createdAt: Time,
    updatedAt: Time,
    activeConsents: z.number().int(),
  })
  .openapi("Project", {
    example: {
      projectId: "12",
      orgId: "3",
      slug: "acme-exchange",
      status: "active",
      requiredLevel: 2,
      acceptedIssuers: ["0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"],
      metadataUri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      createdAt: "2026-11-02T09:14:07Z",
      updatedAt: "2026-11-20T16:40:51Z",
      activeConsents: 1840,
    },
  });

export const AttestationSummary = z
  .object({
    uid: z.string(),
    issuer: z.string(),
    level: z.number().int(),
    status: z.enum(["active", "expired", "revoked", "erased"]),
    issuedAt: Time,
    expiresAt: Time,
  })
  .openapi("AttestationSummary");

export const SubjectStatus = z
  .object({
    projectId: Uint,
    subject: z.string(),
    verified: z.boolean().openapi({ description: "Holds an active, unexpired attestation (any level)" }),
    meetsProjectPolicy: z
      .boolean()
      .openapi({ description: "Verified at the project's level by an accepted issuer, consenting, project active" }),
    attestation: AttestationSummary.nullable(),
    consent: z.object({ granted: z.boolean(), grantedAt: Time.nullable(), revokedAt: Time.nullable() }),
  })
  .openapi("SubjectStatus", {
    example: {
      projectId: "12",
      subject: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      verified: true,
      meetsProjectPolicy: true,
      attestation: {
        uid: "0x5b1d3c6e9f0a…293a4b5c6d",
        issuer: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        level: 2,
        status: "active",
        issuedAt: "2026-11-03T10:00:00Z",
        expiresAt: "2027-11-03T10:00:00Z",
      },
      consent: { granted: true, grantedAt: "2026-11-03T10:02:11Z", revokedAt: null },
    },
  });

export const Attestation = z
  .object({
    uid: z.string(),
    issuer: z.string(),
    level: z.number().int(),
    status: z.enum(["active", "expired", "revoked", "erased"]),
    current: z.boolean(),
    supersededBy: z.string().nullable(),
    issuedAt: Time,
    expiresAt: Time,
    revokedAt: Time.nullable(),
    erasedAt: Time.nullable(),
    storageNetwork: z.number().int(),
    storageId: z.string(),
    ciphertextHash: z.string(),
    blockNumber: Uint,
    transactionHash: z.string(),
  })
  .openapi("Attestation");

export const ConsentingSubject = z
  .object({
    subject: z.string(),
    consent: z.enum(["active", "revoked"]),
    grantedAt: Time,
    revokedAt: Time.nullable(),
    verified: z.boolean(),
    level: z.number().int(),
    attestationStatus: z.enum(["none", "active", "expired", "revoked", "erased"]),
    expiresAt: Time.nullable(),
    updatedAt: Time,
  })
  .openapi("ConsentingSubject", {
    example: {
      subject: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      consent: "active",
      grantedAt: "2026-11-03T10:02:11Z",
      revokedAt: null,
      verified: true,
      level: 2,
      attestationStatus: "active",
      expiresAt: "2027-11-03T10:00:00Z",
      updatedAt: "2026-11-03T10:02:11Z",
    },
  });

export const Page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const ApiKey = z
  .object({
    id: z.string(),
    projectId: Uint,
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to recognise it" }),
    scopes: z.array(z.enum(SCOPES)),
    status: z.enum(["active", "expired", "revoked"]),
    createdBy: z.string(),
    createdAt: Time,
    expiresAt: Time.nullable(),
    revokedAt: Time.nullable(),
    rotatedFrom: z.string().nullable(),
    lastUsedAt: Time.nullable().openapi({ description: "When the key was last accepted, to the minute" }),
  })
  .openapi("ApiKey");

export const CreatedKey = z
  .object({
    key: z.string().openapi({ description: "The secret. Shown once: store it now." }),
    apiKey: ApiKey,
  })
  .openapi("CreatedApiKey");

export const RotatedKey = CreatedKey.extend({ previous: ApiKey }).openapi("RotatedApiKey");

export const AuditEntry = z
  .object({
    id: Uint,
    at: Time,
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    result: z.enum(["ok", "denied", "failed"]),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

export const Nonce = z
  .object({ nonce: z.string(), expiresAt: Time, domain: z.string(), chainId: z.number().int() })
  .openapi("SiweNonce");

export const Session = z
  .object({
    token: z.string().openapi({ description: "Bearer token for the admin endpoints" }),
    address: z.string(),
    expiresAt: Time,
    projects: z.array(Uint).openapi({ description: "Projects this address administers now" }),
  })
  .openapi("Session");

export const SessionInfo = Session.omit({ token: true }).openapi("SessionInfo");

export const UsageReport = z
  .object({
    projectId: Uint,
    days: z.array(
      z.object({
        day: z.string().openapi({ description: "UTC date", example: "2026-01-01" }),
        verifications: z
          .number()
          .int()
          .openapi({ description: "Attestations issued that day to subjects who consent to the project now" }),
        consents: z.number().int().openapi({ description: "Consents granted that day" }),
        webhookDeliveries: z.number().int().openapi({ description: "Webhook deliveries created that day" }),
        sponsoredOperations: z.number().int(),
        gasSponsoredWei: Uint.openapi({ description: "What the sponsored operations cost the project's budget" }),
      }),
    ),
  })
  .openapi("UsageReport");

const ProjectRoleName = z.enum(["admin", "reader", "sponsor_manager"]);

export const ProjectMembership = z
  .object({
    projectId: Uint,
    orgId: Uint,
    slug: z.string(),
    status: z.enum(["active", "suspended", "none"]),
    requiredLevel: z.number().int(),
    roles: z.array(ProjectRoleName).openapi({ description: "Project roles the address holds (on the indexed chain)" }),
    offeredRoles: z.array(ProjectRoleName).openapi({ description: "Roles offered to the address, not accepted yet" }),
    organizationRole: z
      .enum(["owner", "admin"])
      .nullable()
      .openapi({ description: "Owner or admin of the project's organization, if either" }),
    administers: z.boolean().openapi({
      description:
        "Whether the admin endpoints accept this address on the project (admin role, org owner or org admin)",
    }),
  })
  .openapi("ProjectMembership");

export const Budget = z
  .object({
    projectId: Uint,
    balance: Uint.openapi({ description: "Wei left to sponsor operations" }),
    totalFunded: Uint,
    totalWithdrawn: Uint,
    totalSpent: Uint,
    operations: z.number().int(),
    active: z.boolean(),
    policy: z.object({ perUserCap: Uint, periodCap: Uint, periodSeconds: z.number().int(), maxOpCost: Uint }),
    updatedAt: Time.nullable(),
  })
  .openapi("Budget");

export const SponsoredOperation = z
  .object({
    userOpHash: z.string(),
    sender: z.string(),
    actualCost: Uint,
    success: z.boolean().nullable(),
    actualGasUsed: Uint.nullable(),
    blockNumber: Uint,
    at: Time,
    transactionHash: z.string(),
  })
  .openapi("SponsoredOperation");

// ---------------------------------------------------------------- webhooks

const EventType = z.enum(WEBHOOK_EVENT_TYPES).openapi("WebhookEventType");

const EventTypeList = z
  .array(EventType)
  .max(WEBHOOK_EVENT_TYPES.length)
  .openapi({ description: "Event types to receive; empty or absent means all" });

const EndpointUrl = z.string().min(1).max(2048).openapi({ example: "https://hooks.example.com/onekey" });
const RateLimit = z
  .number()
  .int()
  .min(1)
  .max(MAX_ENDPOINT_RATE_LIMIT)
  .openapi({ description: "Requests per second this endpoint accepts" });

const EndpointId = z.string().regex(/^ep_[A-Za-z0-9_-]{12}$/, "must be an endpoint id (ep_...)");

export const EndpointParams = z.object({
  endpointId: EndpointId.openapi({ param: { name: "endpointId", in: "path" } }),
});

export const DeliveryParams = z.object({
  deliveryId: z
    .string()
    .regex(/^dlv_[0-9a-f]{24}$/, "must be a delivery id (dlv_...)")
    .openapi({ param: { name: "deliveryId", in: "path" } }),
});

export const CreateEndpointBody = z
  .strictObject({
    url: EndpointUrl,
    eventTypes: EventTypeList.optional(),
    description: z.string().trim().max(200).optional(),
    rateLimitPerSecond: RateLimit.optional(),
  })
  .openapi("CreateWebhookEndpointRequest", {
    example: {
      url: "https://hooks.example.com/onekey",
      eventTypes: ["attestation.created", "consent.granted", "consent.revoked"],
      description: "Production KYC sync",
    },
  });

export const UpdateEndpointBody = z
  .strictObject({
    url: EndpointUrl.optional(),
    eventTypes: EventTypeList.optional(),
    description: z.string().trim().max(200).nullable().optional(),
    rateLimitPerSecond: RateLimit.optional(),
    enabled: z.boolean().optional().openapi({ description: "true re-enables a disabled endpoint" }),
  })
  .openapi("UpdateWebhookEndpointRequest");

export const RotateSecretBody = z
  .strictObject({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600)
      .openapi({ description: "How long deliveries also carry a signature by the old secret (default 24 h)" }),
  })
  .openapi("RotateWebhookSecretRequest");

export const DeliveriesQuery = z.strictObject({
  endpointId: EndpointId.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: CursorString.optional(),
  limit: Limit(100, 50),
});

export const ReplayRangeBody = z
  .strictObject({
    endpointId: EndpointId,
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }),
  })
  .refine((b) => Date.parse(b.since) <= Date.parse(b.until), { message: "must not be before since", path: ["until"] })
  .openapi("ReplayWebhooksRequest");

export const WebhookSettingsBody = z
  .strictObject({
    confirmations: z
      .union([z.literal("finalized"), z.number().int().min(0).max(1000)])
      .openapi({ description: '"finalized", or deliver after N blocks and retract on a reorg' }),
    budgetLowThreshold: z
      .string()
      .regex(/^[0-9]{1,78}$/, "must be a decimal amount of wei")
      .openapi({ description: "budget.low fires when the balance falls below this (wei)" }),
  })
  .partial()
  .openapi("WebhookSettingsRequest");

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.string().nullable(),
    rateLimitPerSecond: z.number().int(),
    enabled: z.boolean(),
    disabledAt: Time.nullable(),
    disabledReason: z.string().nullable().openapi({ description: "Why the endpoint was disabled (the notice)" }),
    secretRotatedUntil: Time.nullable().openapi({ description: "Until when the previous secret also signs" }),
    createdAt: Time,
  })
  .openapi("WebhookEndpoint", {
    example: {
      id: "ep_4fQ9xK2mLp7Z",
      url: "https://hooks.example.com/onekey",
      eventTypes: ["attestation.created", "consent.granted", "consent.revoked"],
      description: "Production KYC sync",
      rateLimitPerSecond: 100,
      enabled: true,
      disabledAt: null,
      disabledReason: null,
      secretRotatedUntil: null,
      createdAt: "2026-11-20T16:45:00Z",
    },
  });

export const CreatedEndpoint = z
  .object({
    endpoint: WebhookEndpoint,
    secret: z.string().openapi({ description: "The whsec_ signing secret. Shown once: store it now." }),
  })
  .openapi("CreatedWebhookEndpoint");

export const RotatedSecret = z
  .object({ secret: z.string(), previousSecretExpiresAt: Time })
  .openapi("RotatedWebhookSecret");

export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().openapi({ description: "The webhook-id header of every attempt" }),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    nextAttemptAt: Time.nullable(),
    createdAt: Time,
    deliveredAt: Time.nullable(),
  })
  .openapi("WebhookDelivery");

export const WebhookAttempt = z
  .object({
    attempt: z.number().int(),
    at: Time,
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
  })
  .openapi("WebhookAttempt");

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  attempts: z.number().int(),
  log: z.array(WebhookAttempt),
}).openapi("WebhookDeliveryDetail");

export const WebhookEventTypeInfo = z
  .object({
    type: EventType,
    description: z.string().openapi({ description: "What happened, and which projects hear of it" }),
    dataSchema: z.string().openapi({
      description: "The `@onekey/sdk` type of the event's `data` (sdk/src/events.ts)",
      example: "AttestationCreatedData",
    }),
    source: z.enum(["chain", "derived"]).openapi({
      description:
        "`chain`: from an indexed chain event (carries `block`, may be retracted after a reorg); `derived`: made by the webhook worker",
    }),
  })
  .openapi("WebhookEventTypeInfo", {
    example: {
      type: "consent.granted",
      description: "A subject consented to share their verification with the project.",
      dataSchema: "ConsentData",
      source: "chain",
    },
  });

export const WebhookEventTypeList = z.object({ data: z.array(WebhookEventTypeInfo) }).openapi("WebhookEventTypeList");

export const WebhookSettings = z
  .object({ confirmations: z.union([z.literal("finalized"), z.number().int()]), budgetLowThreshold: z.string() })
  .openapi("WebhookSettings");

// ---------------------------------------------------------------- analytics (indexer/analytics/)

/** Longest range per granularity: a year of days, a month of hours (what a chart can show). */
export const ANALYTICS_MAX_RANGE_MS = { day: 366 * 86_400_000, hour: 31 * 86_400_000 } as const;

const AnalyticsTime = z
  .string()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    "must be a date or an ISO 8601 time",
  )
  .transform((v, ctx) => {
    const at = new Date(v);
    // Date() rolls 2026-02-30 over into March: the calendar date must come back as written.
    const [y, m, d] = v.slice(0, 10).split("-").map(Number) as [number, number, number];
    const calendar = new Date(Date.UTC(y, m - 1, d));
    if (Number.isNaN(at.getTime()) || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
      ctx.addIssue({ code: "custom", message: "is not a real date" });
      return z.NEVER;
    }
    return at;
  })
  .openapi({ type: "string", example: "2026-11-01" });

export const AnalyticsParams = z.strictObject({
  family: z.enum(["usage", "cost", "performance"]).openapi({
    param: { name: "family", in: "path" },
    description: "usage (counts), cost (gas, provider fees) or performance (latency, verify-flow completion)",
  }),
});

export const AnalyticsQuery = z
  .strictObject({
    granularity: z.enum(["hour", "day"]).default("day").openapi({ description: "UTC hours or UTC days" }),
    from: AnalyticsTime.optional().openapi({
      description:
        "Start (inclusive, rounded down to its bucket). Default: 30 days (day) or 48 hours (hour) before `to`",
    }),
    to: AnalyticsTime.optional().openapi({ description: "End (exclusive, rounded up to its bucket). Default: now" }),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    if (q.from >= q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must be before to" });
    else if (q.to.getTime() - q.from.getTime() > ANALYTICS_MAX_RANGE_MS[q.granularity]) {
      const most = q.granularity === "day" ? "366 days" : "31 days";
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: `the range may span at most ${most} at ${q.granularity}ly granularity`,
      });
    }
  });

const Quantile = z.number().nullable();
const AnalyticsPoint = z
  .object({
    start: Time.openapi({ description: "The bucket's first instant (UTC)" }),
    value: z.string().openapi({
      description: "Decimal: a count, wei, an amount of the currency, or (latency) the observations",
      example: "42",
    }),
    p50: Quantile.optional(),
    p95: Quantile.optional(),
    p99: Quantile.optional(),
  })
  .openapi("AnalyticsPoint");

export const AnalyticsReport = z
  .object({
    projectId: Uint,
    family: z.enum(["usage", "cost", "performance"]),
    granularity: z.enum(["hour", "day"]),
    from: Time,
    to: Time,
    series: z.array(
      z
        .object({
          metric: z.string().openapi({ example: "api.calls" }),
          dimension: z.string().openapi({
            description: "What the metric is split by here ('' for nothing)",
            example: "GET /v1/project 200",
          }),
          unit: z.string().openapi({ description: "count, wei, ms, or a currency code" }),
          total: z.string().openapi({ description: "Over the whole range (latency: the observations)" }),
          p50: Quantile.optional().openapi({ description: "Latency in ms over the whole range" }),
          p95: Quantile.optional(),
          p99: Quantile.optional(),
          points: z.array(AnalyticsPoint).openapi({ description: "Buckets with activity, oldest first" }),
        })
        .openapi("AnalyticsSeries"),
    ),
    pricing: z
      .object({
        currency: z.string(),
        ethPrice: z.number().nullable(),
        ethPriceSource: z.string(),
        providerFees: z
          .record(z.string(), z.number())
          .openapi({ description: "Per verification started, in `currency`" }),
      })
      .optional()
      .openapi({ description: "cost: what the fiat figures were priced at" }),
    verifyFlow: z
      .object({
        sessions: z.number().int(),
        completed: z.number().int().openapi({ description: "Sessions that reached consent" }),
        completionRate: z.number().nullable(),
        stoppedAt: z
          .record(z.string(), z.number().int())
          .openapi({ description: "Sessions by their status, or where they dropped off: 'expired after submitted'" }),
      })
      .optional()
      .openapi({ description: "performance: the verify flow's completion and drop-off (issuer sessions by start)" }),
  })
  .openapi("AnalyticsReport");

// ---------------------------------------------------------------- billing (billing/statement.ts)

export const StatementParams = z.object({
  orgId: ProjectIdString.openapi({ param: { name: "orgId", in: "path" }, description: "The organization's id" }),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM")
    .openapi({ param: { name: "month", in: "path" }, example: "2026-11" }),
});

export const StatementQuery = z.strictObject({
  format: z
    .enum(["json", "csv"])
    .optional()
    .openapi({ description: "csv: the same statement as CSV (or send Accept: text/csv)" }),
});

const Money = z.string().openapi({ description: "Decimal amount in `currency`", example: "12.34" });

export const Statement = z
  .object({
    organization: Uint,
    month: z.string(),
    period: z.object({ from: Time, to: Time }),
    status: z.enum(["open", "closed"]).openapi({ description: "open: the month is not over; figures may still grow" }),
    currency: z.string(),
    priceList: z.object({ version: z.string(), effectiveFrom: z.string() }),
    ethPrice: z.object({ price: z.string(), source: z.string() }).nullable(),
    projects: z.array(Uint),
    lines: z.array(
      z.object({
        item: z.enum(["verification", "api_calls", "webhook_deliveries", "gas"]),
        detail: z.string(),
        quantity: z.string(),
        unit: z.string(),
        unitPrice: z.string(),
        amount: Money,
      }),
    ),
    subtotal: Money,
    credit: z.object({ description: z.string(), amount: Money }),
    total: Money,
  })
  .openapi("Statement");
