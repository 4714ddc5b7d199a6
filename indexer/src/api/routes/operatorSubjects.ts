/**
 * Data-subject requests, for protocol operators: what OneKey holds about one subject (an access
 * request) and the deletion of their applicant data at the KYC providers (a deletion request
 * received out of band). Reading a subject is an access to personal data: audited as
 * `operator.subject.read`, kept as long as record openings (db/auditClasses.ts).
 *
 * The sections come from where each lives: KYC sessions from the issuer's database (read-only,
 * ONEKEY_ANALYTICS_ISSUER_DATABASE_URL, as the analytics rebuild reads it; unset or unreachable,
 * the section says so and the rest is still answered), attestations and consents from the chain
 * views, and who opened the subject's records from the audit trail. The applicant deletion is the
 * issuer's to do (it holds the provider credentials): it is asked over its internal operator
 * route (issuer/src/kyc/operator-routes.ts), which queues the deletions for its cleanup job.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type Kysely, sql } from "kysely";
import type { Hex } from "viem";
import { writeAudit } from "../../../db/audit.js";
import { decodeCursor, encodeCursor, HEX_32, INT64_ID, UINT } from "../http/cursor.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp, ApiEnv, ApiKit } from "../kit.js";
import { AddressString, CursorString } from "../schemas.js";
import { askIssuer, issuerOrFail, issuerUnavailable } from "./issuerOperatorClient.js";

export type RequireOperator = (c: Context<ApiEnv>, action: string, target?: string) => Promise<string>;

const TAG = ["Operators"];
const security = [{ session: [] }];
/** The uids whose key releases are looked up: far more attestations than one person ever has. */
const MAX_UIDS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SubjectParams = z.object({
  address: AddressString.openapi({ param: { name: "address", in: "path" } }),
});

const SubjectQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Items per section" }),
  sessionsCursor: CursorString.optional(),
  attestationsCursor: CursorString.optional(),
  consentsCursor: CursorString.optional(),
  accessesCursor: CursorString.optional(),
});

const iso = (seconds: bigint | null) => (seconds === null ? null : new Date(Number(seconds) * 1000).toISOString());

const KycSession = z
  .object({
    id: z.string(),
    projectId: z.string(),
    provider: z.string().nullable(),
    status: z.string(),
    outcome: z.string().nullable(),
    level: z.number().int().nullable(),
    attestationUid: z.string().nullable(),
    applicant: z.enum(["held", "removed", "none"]).openapi({
      description:
        "held: the provider still holds an applicant for this session; removed: deleted at the provider or queued for deletion (the issuer's cleanup job retries until the provider confirms); none: no applicant was created",
    }),
    applicantRef: z.string().nullable().openapi({ description: "The applicant id's last 4 characters, masked" }),
    erasedAt: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("SubjectKycSession");

const Sessions = z
  .union([
    z.object({ available: z.literal(true), data: z.array(KycSession), nextCursor: z.string().nullable() }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ])
  .openapi("SubjectKycSessions");

const SubjectAttestation = z
  .object({
    uid: z.string(),
    issuer: z.string(),
    level: z.number().int(),
    status: z.string(),
    current: z.boolean(),
    issuedAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    erasedAt: z.string().nullable(),
    storage: z
      .object({ network: z.number().int(), id: z.string() })
      .openapi({ description: "Where the encrypted record is stored" }),
  })
  .openapi("SubjectAttestation");

const SubjectConsent = z
  .object({
    projectId: z.string(),
    active: z.boolean(),
    grantedAt: z.string(),
    revokedAt: z.string().nullable(),
    uid: z.string().nullable(),
    level: z.number().int(),
  })
  .openapi("SubjectConsent");

const RecordAccess = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string().openapi({ description: "record.open (the dashboard) or key.release (the key service)" }),
    projectId: z.string().nullable(),
    target: z.string().nullable(),
    result: z.string(),
  })
  .openapi("RecordAccess");

const section = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

const SubjectReport = z
  .object({
    subject: z.string(),
    sessions: Sessions,
    attestations: section(SubjectAttestation),
    consents: section(SubjectConsent),
    accesses: section(RecordAccess),
  })
  .openapi("SubjectReport");

interface SessionRow {
  id: string;
  project_id: string;
  provider: string | null;
  status: string;
  outcome: string | null;
  level: number | null;
  attestation_uid: string | null;
  provider_applicant_id: string | null;
  erased_at: Date | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** Never the applicant id itself: its last 4 characters, and nothing of a short one. */
const maskApplicant = (id: string | null) => (id === null ? null : id.length >= 12 ? `…${id.slice(-4)}` : "…");

/** The sessions section: the subject's sessions at the issuer, or why they are not available. */
export async function readSessions(
  issuer: Kysely<unknown> | undefined,
  subject: Hex,
  limit: number,
  cursor: string | undefined,
): Promise<z.infer<typeof Sessions>> {
  // Checked first: a bad cursor is a 400 whether or not the issuer's database is there.
  const after = cursor ? decodeCursor(cursor, [/^[0-9]{1,15}$/, UUID]) : undefined;
  if (!issuer) return { available: false, reason: "issuer_database_not_configured" };
  let rows: SessionRow[];
  try {
    const keyset = after ? sql`and (created_at, id) < (${new Date(Number(after[0]))}, ${after[1]}::uuid)` : sql``;
    const result = await sql<SessionRow>`
      select id, project_id::text as project_id, provider, status, outcome, level, attestation_uid,
             provider_applicant_id, erased_at, expires_at, created_at, updated_at
      from kyc_sessions
      where subject = ${subject} ${keyset}
      order by created_at desc, id desc
      limit ${limit + 1}`.execute(issuer);
    rows = result.rows;
  } catch {
    // Its error may name the database's host: the reason says only that it did not answer.
    return { available: false, reason: "issuer_database_unavailable" };
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    available: true,
    data: page.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      provider: r.provider,
      status: r.status,
      outcome: r.outcome,
      level: r.level,
      attestationUid: r.attestation_uid,
      applicant: r.provider_applicant_id ? "held" : r.provider ? "removed" : "none",
      applicantRef: maskApplicant(r.provider_applicant_id),
      erasedAt: r.erased_at ? new Date(r.erased_at).toISOString() : null,
      expiresAt: new Date(r.expires_at).toISOString(),
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.created_at).getTime(), last.id]) : null,
  };
}

export function registerOperatorSubjectRoutes(app: ApiApp, kit: ApiKit, requireOperator: RequireOperator): void {
  const { deps } = kit;

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/operator/subjects/{address}",
      tags: TAG,
      summary: "Everything OneKey holds about one subject, for a data-subject access request (operators only)",
      description:
        "KYC sessions (the issuer's database; `available: false` with a reason when it is not configured or not answering), attestations and consents (the chain), and who opened the subject's records (record.open and key.release in the audit trail). Each section is paged by its own cursor. The lookup itself is audited as `operator.subject.read`.",
      security,
      middleware: [kit.requireSession],
      request: { params: SubjectParams, query: SubjectQuery },
      responses: {
        200: { description: "The subject's data", content: { "application/json": { schema: SubjectReport } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { address } = c.req.valid("param");
      const query = c.req.valid("query");
      const operator = await requireOperator(c, "operator.subject.read", address);
      const { limit } = query;
      // Cursors are checked before anything is read: a bad one is a 400 that changes nothing.
      const attestationsAfter = query.attestationsCursor
        ? decodeCursor(query.attestationsCursor, [UINT, HEX_32])
        : undefined;
      const consentsAfter = query.consentsCursor ? decodeCursor(query.consentsCursor, [UINT]) : undefined;
      const accessesBefore = query.accessesCursor ? decodeCursor(query.accessesCursor, [INT64_ID]) : undefined;

      const [sessions, attestations, consents, all] = await Promise.all([
        readSessions(deps.issuerSessions, address, limit, query.sessionsCursor),
        deps.readModel.attestations(
          address,
          limit + 1,
          attestationsAfter
            ? { issuedAt: BigInt(attestationsAfter[0] as string), uid: attestationsAfter[1] as Hex }
            : undefined,
        ),
        deps.readModel.subjectConsents(
          address,
          limit + 1,
          consentsAfter ? BigInt(consentsAfter[0] as string) : undefined,
        ),
        deps.readModel.attestations(address, MAX_UIDS),
      ]);
      const uids = all.map((a) => a.uid.toLowerCase());
      let accessQuery = deps.store
        .selectFrom("audit_log")
        .select(["id", "at", "actor", "action", "project_id", "target", "result"])
        .where((eb) =>
          eb.or([
            eb.and([eb("action", "=", "record.open"), eb("target", "=", address)]),
            ...(uids.length ? [eb.and([eb("action", "=", "key.release"), eb("target", "in", uids)])] : []),
          ]),
        )
        .orderBy("id", "desc")
        .limit(limit + 1);
      if (accessesBefore) accessQuery = accessQuery.where("id", "<", accessesBefore[0] as string);
      const accesses = await accessQuery.execute();

      const attestationPage = attestations.slice(0, limit);
      const lastAttestation = attestationPage.at(-1);
      const consentPage = consents.slice(0, limit);
      const lastConsent = consentPage.at(-1);
      const accessPage = accesses.slice(0, limit);
      const lastAccess = accessPage.at(-1);
      const report: z.infer<typeof SubjectReport> = {
        subject: address,
        sessions,
        attestations: {
          data: attestationPage.map((a) => ({
            uid: a.uid,
            issuer: a.issuer,
            level: a.level,
            status: a.status,
            current: a.current,
            issuedAt: iso(a.issuedAt) as string,
            expiresAt: iso(a.expiresAt) as string,
            revokedAt: iso(a.revokedAt),
            erasedAt: iso(a.erasedAt),
            storage: { network: a.storageNetwork, id: a.storageId },
          })),
          nextCursor:
            attestations.length > limit && lastAttestation
              ? encodeCursor([lastAttestation.issuedAt, lastAttestation.uid.toLowerCase()])
              : null,
        },
        consents: {
          data: consentPage.map((k) => ({
            projectId: k.projectId.toString(),
            active: k.active,
            grantedAt: iso(k.grantedAt) as string,
            revokedAt: iso(k.revokedAt),
            uid: k.uid,
            level: k.level,
          })),
          nextCursor: consents.length > limit && lastConsent ? encodeCursor([lastConsent.projectId]) : null,
        },
        accesses: {
          data: accessPage.map((r) => ({
            id: String(r.id),
            at: new Date(r.at).toISOString(),
            actor: r.actor,
            action: r.action,
            projectId: r.project_id === null ? null : String(r.project_id),
            target: r.target,
            result: r.result,
          })),
          nextCursor: accesses.length > limit && lastAccess ? encodeCursor([String(lastAccess.id)]) : null,
        },
      };
      await writeAudit(deps.store, {
        actor: operator,
        action: "operator.subject.read",
        target: address,
        result: "ok",
        detail: { sessions: sessions.available ? "read" : sessions.reason },
        requestId: c.get("requestId"),
      });
      return c.json(report, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/operator/subjects/{address}/provider-deletion",
      tags: TAG,
      summary: "Delete the subject's applicant data at the KYC providers now (operators only)",
      description:
        "For a deletion request received out of band. The issuer (which holds the provider credentials) queues the deletion of every applicant the subject's sessions still reference; its cleanup job sends them, retrying until each provider confirms. Open sessions end. A repeat schedules nothing new (`scheduled: 0`). Audited as `operator.subject.provider_deletion`.",
      security,
      middleware: [kit.requireSession],
      request: { params: SubjectParams },
      responses: {
        202: {
          description: "Queued at the issuer",
          content: {
            "application/json": {
              schema: z
                .object({
                  scheduled: z.number().int().openapi({ description: "Applicants newly queued for deletion" }),
                })
                .openapi("ProviderDeletion"),
            },
          },
        },
        ...errorResponses(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { address } = c.req.valid("param");
      const operator = await requireOperator(c, "operator.subject.provider_deletion", address);
      const audit = (result: "ok" | "failed", detail: Record<string, unknown>) =>
        writeAudit(deps.store, {
          actor: operator,
          action: "operator.subject.provider_deletion",
          target: address,
          result,
          detail,
          requestId: c.get("requestId"),
        });
      const issuer = await issuerOrFail(deps.config.issuerOperator, (d) => audit("failed", d), "provider deletions");
      // The address is checked above (hex), so the path is safe.
      const answer = await askIssuer(issuer, "POST", `/v1/internal/operator/subjects/${address}/provider-deletion`);
      const scheduled =
        answer.ok && answer.status === 200
          ? (answer.body as { scheduled?: unknown } | undefined)?.scheduled
          : undefined;
      if (typeof scheduled !== "number") {
        await audit("failed", { reason: answer.ok ? `issuer_${answer.status}` : answer.reason });
        throw issuerUnavailable("The issuer did not take the deletion request; try again");
      }
      await audit("ok", { scheduled });
      return c.json({ scheduled }, 202);
    },
  );
}
