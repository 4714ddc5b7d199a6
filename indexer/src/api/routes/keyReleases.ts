/**
 * Key releases into the audit trail: the key service (the local stand-in for Lit) reports every
 * decision on a data key (who asked, for which attestation, released or refused and why) here,
 * so "who accessed this person's data and when" is answered from the one trail, beside the
 * dashboard's record openings. Service to service: the caller presents
 * ONEKEY_API_AUDIT_INGEST_TOKEN; a wrong token is refused and limited per client like any
 * refused credential.
 *
 * Other services' admin actions take the same door, POST /v1/internal/audit-entries: the issuer
 * reports its project admins' changes (and refusals) there, so the trail has every admin action
 * whichever service took it. Only actions of the allow-list below are taken: a service cannot
 * write entries that pass for the tenant API's own.
 *
 * Both routes honour Idempotency-Key (http/idempotency.ts), as every write of the API does: the
 * reporters send one per report, so a report retried after a lost answer is written once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { writeAudit } from "../../../db/audit.js";
import { ApiError, errorResponses, unauthorized } from "../http/errors.js";
import { idempotent } from "../http/idempotency.js";
import type { ApiApp, ApiEnv, ApiKit } from "../kit.js";
import { AddressString, ProjectIdString } from "../schemas.js";

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
    at: z.iso.datetime().openapi({ description: "When the key service decided (kept in the entry's detail)" }),
  })
  .openapi("KeyRelease");

/** The actions another service may report; a new one is added here and to the reporter's type (issuer/src/audit/reporter.ts). */
export const INGESTED_ACTIONS = ["issuer.kyc_settings.update"] as const;

const AuditEntryReport = z
  .strictObject({
    actor: AddressString.openapi({ description: "The account that acted (signed in at the reporting service)" }),
    action: z.enum(INGESTED_ACTIONS),
    target: z
      .string()
      .regex(/^[A-Za-z0-9:._/-]{1,120}$/, "must be an identifier (letters, digits, :._/-)")
      .optional()
      .openapi({ description: "What was acted on, by id (never personal data)" }),
    projectId: ProjectIdString.optional(),
    outcome: z.enum(["ok", "denied", "error"]),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/)
      .openapi({ description: "The reporting service's request id, to find its log lines" }),
    /** Ids, codes and settings only: small flat values, checked here, never free text. */
    detail: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/),
        z.union([
          z.string().regex(/^[A-Za-z0-9._:-]{0,64}$/, "must be an id or code"),
          z.number(),
          z.boolean(),
          z.array(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)).max(20),
        ]),
      )
      .refine((d) => Object.keys(d).length <= 20, "at most 20 members")
      .optional(),
    at: z.iso.datetime().openapi({ description: "When the service acted (kept in the entry's detail)" }),
  })
  .openapi("AuditEntryReport");

const digest = (text: string) => createHash("sha256").update(text).digest();

export function registerKeyReleaseRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const { config } = deps;
  const expected = config.auditIngestToken ? digest(config.auditIngestToken) : undefined;
  const requireIngestToken: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (!expected) {
      throw new ApiError(503, "audit_ingest_not_configured", "This API takes no audit reports (no ingest token)");
    }
    const presented = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
    // Compared as digests: constant time whatever the presented length.
    if (!timingSafeEqual(digest(presented), expected)) {
      // The API's refusal budget per client (kit.limitRefused), one for both ingest routes.
      await kit.limitRefused({ client: kit.clientKey(c) });
      throw unauthorized("ingest_token_invalid", "Send the audit ingest token: Authorization: Bearer <token>");
    }
    // A reporter retries after a timeout with the report's own Idempotency-Key: a report already
    // written is answered again, not written twice. One scope for the services' one token (and
    // its successor: a key outlives a rotation, so a retry across it is still written once).
    return idempotent(c, next, deps.store, "service:audit-ingest", deps.now);
  };

  /** An ingest route: service token first, then the body; answers 201 { recorded: true }. */
  const ingestRoute = <S extends z.ZodType>(path: string, summary: string, schema: S) =>
    createRoute({
      method: "post",
      path,
      tags: ["Internal"],
      summary,
      security: [{ ingestToken: [] }],
      // Before the body is read: a caller without the token learns nothing about the schema.
      middleware: [requireIngestToken],
      request: { body: { content: { "application/json": { schema } }, required: true } },
      responses: {
        201: {
          description: "Recorded",
          content: { "application/json": { schema: z.object({ recorded: z.literal(true) }) } },
        },
        ...errorResponses(400, 401, 429, 503),
      },
    });

  app.openapi(
    ingestRoute(
      "/v1/internal/key-releases",
      "Record a key release decision in the audit trail (the key service; service token)",
      KeyRelease,
    ),
    async (c) => {
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
          decidedAt: release.at,
        },
        requestId: c.get("requestId"),
        // The trail's time is ours: a report's own time cannot move an entry out of its retention
        // window or a rule's; it stays in the detail.
      });
      return c.json({ recorded: true as const }, 201);
    },
  );

  app.openapi(
    ingestRoute(
      "/v1/internal/audit-entries",
      "Record another service's admin action in the audit trail (the issuer; service token)",
      AuditEntryReport,
    ),
    async (c) => {
      const entry = c.req.valid("json");
      await writeAudit(deps.store, {
        actor: entry.actor,
        action: entry.action,
        projectId: entry.projectId,
        target: entry.target,
        result: entry.outcome === "error" ? "failed" : entry.outcome,
        detail: { ...entry.detail, source: entry.action.split(".")[0], actedAt: entry.at },
        // The reporting service's request id: the one id that finds the action in both services' logs.
        requestId: entry.requestId,
      });
      return c.json({ recorded: true as const }, 201);
    },
  );
}
