/**
 * Key releases into the audit trail: the key service (the local stand-in for Lit) reports every
 * decision on a data key (who asked, for which attestation, released or refused and why) here,
 * so "who accessed this person's data and when" is answered from the one trail, beside the
 * dashboard's record openings. Service to service: the caller presents
 * ONEKEY_API_AUDIT_INGEST_TOKEN; a wrong token is refused and limited per client like any
 * refused credential.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { createRoute, z } from "@hono/zod-openapi";
import { writeAudit } from "../../../db/audit.js";
import { clientAddress, clientLimitKey } from "../http/clientAddress.js";
import { ApiError, errorResponses, unauthorized } from "../http/errors.js";
import { Limiter } from "../http/rateLimit.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { AddressString } from "../schemas.js";

const KeyRelease = z
  .strictObject({
    reader: AddressString.openapi({ description: "The account that asked for the key" }),
    uid: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "must be an attestation uid (32 bytes of hex)")
      .openapi({ description: "The attestation whose record the key opens" }),
    chainId: z.number().int().positive(),
    keyId: z.string().min(1).max(100),
    outcome: z.enum(["released", "refused"]),
    /** The key service's error code when refused (ConditionNotMet, SignatureInvalid, ...). */
    reason: z
      .string()
      .regex(/^[A-Za-z]{1,40}$/)
      .optional(),
    at: z.iso.datetime().openapi({ description: "When the key service decided" }),
  })
  .openapi("KeyRelease");

const digest = (text: string) => createHash("sha256").update(text).digest();

export function registerKeyReleaseRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const { config } = deps;
  const expected = config.auditIngestToken ? digest(config.auditIngestToken) : undefined;
  const refusals = new Limiter(
    config.authRateLimitPoints,
    60,
    "ingest-refused",
    deps.redis && config.redis ? { redis: deps.redis, keyPrefix: config.redis.keyPrefix } : undefined,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/internal/key-releases",
      tags: ["Internal"],
      summary: "Record a key release decision in the audit trail (the key service; service token)",
      security: [{ ingestToken: [] }],
      request: { body: { content: { "application/json": { schema: KeyRelease } }, required: true } },
      responses: {
        201: {
          description: "Recorded",
          content: { "application/json": { schema: z.object({ recorded: z.literal(true) }) } },
        },
        ...errorResponses(400, 401, 429, 503),
      },
    }),
    async (c) => {
      if (!expected) {
        throw new ApiError(503, "audit_ingest_not_configured", "This API takes no key releases (no ingest token)");
      }
      const presented = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
      // Compared as digests: constant time whatever the presented length.
      if (!timingSafeEqual(digest(presented), expected)) {
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
        const client = clientAddress(
          incoming?.socket?.remoteAddress,
          c.req.header("x-forwarded-for"),
          config.trustedProxies,
        );
        await refusals.consume(`ingest:${clientLimitKey(client)}`, "refused ingest requests");
        throw unauthorized("ingest_token_invalid", "Send the audit ingest token: Authorization: Bearer <token>");
      }
      const release = c.req.valid("json");
      await writeAudit(deps.store, {
        actor: release.reader.toLowerCase(),
        action: "key.release",
        target: release.uid.toLowerCase(),
        result: release.outcome === "released" ? "ok" : "denied",
        detail: {
          keyId: release.keyId,
          chainId: release.chainId,
          ...(release.reason ? { reason: release.reason } : {}),
          source: "keyservice",
        },
        requestId: c.get("requestId"),
        at: new Date(release.at),
      });
      return c.json({ recorded: true as const }, 201);
    },
  );
}
