/**
 * Tenant endpoints (API key with the `read` scope). The project is the key's: no route takes a
 * project id, so a key can only ever name its own project's rows.
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Hex } from "viem";
import { apiKeyOf } from "../http/apiKeyOf.js";
import { decodeCursor, encodeCursor, HEX_32, HEX_ADDRESS, UINT } from "../http/cursor.js";
import { errorResponses, notFound } from "../http/errors.js";
import {
  attestationBody,
  budgetBody,
  consentBody,
  operationBody,
  projectBody,
  subjectStatusBody,
} from "../http/format.js";
import type { ApiApp, ApiEnv, ApiKit } from "../kit.js";
import type { ProjectInfo } from "../readModel.js";
import {
  Attestation,
  Budget,
  ConsentingSubject,
  ConsentsQuery,
  NoQuery,
  Page,
  PageQuery,
  Project,
  SponsoredOperation,
  SubjectParams,
  SubjectStatus,
} from "../schemas.js";

const TAG = ["Tenant"];
const security = [{ apiKey: [] }];

const projectOf = (c: Context<ApiEnv>): bigint => apiKeyOf(c).projectId;

export function registerTenantRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const rm = deps.readModel;
  const middleware = [kit.requireApiKey("read")];
  const errors = errorResponses(400, 401, 403, 404, 429);

  // Project settings change rarely and every status lookup needs them: keep each for a second.
  const projects = new Map<bigint, { project: ProjectInfo; until: number }>();
  const loadProject = async (projectId: bigint) => {
    const cached = projects.get(projectId);
    if (cached && cached.until > Date.now()) return cached.project;
    const project = await rm.project(projectId);
    if (!project) throw notFound("The project is not indexed yet");
    projects.set(projectId, { project, until: Date.now() + 1_000 });
    return project;
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/project",
      tags: TAG,
      summary: "This key's project: settings, status, number of consenting subjects",
      security,
      middleware,
      request: { query: NoQuery },
      responses: {
        200: { description: "The project", content: { "application/json": { schema: Project } } },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      const [project, count] = await Promise.all([loadProject(projectId), rm.activeConsentCount(projectId)]);
      return c.json(projectBody(project, count), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/subjects/{address}",
      tags: TAG,
      summary: "A subject's status for this project: verified, level, expiry, consent, policy",
      security,
      middleware,
      request: { params: SubjectParams, query: NoQuery },
      responses: {
        200: { description: "The status", content: { "application/json": { schema: SubjectStatus } } },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      const { address } = c.req.valid("param");
      const [project, { subject, consent }] = await Promise.all([
        loadProject(projectId),
        rm.subjectStatus(projectId, address),
      ]);
      return c.json(subjectStatusBody(project, address, subject, consent, deps.attestationTime()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/subjects/{address}/attestations",
      tags: TAG,
      summary: "A consenting subject's attestation history, newest first (404 unless it consents now)",
      security,
      middleware,
      request: { params: SubjectParams, query: PageQuery },
      responses: {
        200: {
          description: "History",
          content: { "application/json": { schema: Page(Attestation, "AttestationPage") } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      const { address } = c.req.valid("param");
      const { cursor, limit } = c.req.valid("query");
      const before = cursor ? decodeCursor(cursor, [UINT, HEX_32]) : undefined;
      const consent = await rm.consent(projectId, address);
      // Whether a subject consents to another project, or ever attested, is not this key's business.
      if (!consent?.active) throw notFound("No consenting subject with this address");
      const rows = await rm.attestations(
        address,
        limit + 1,
        before ? { issuedAt: BigInt(before[0] as string), uid: before[1] as Hex } : undefined,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const now = deps.attestationTime();
      return c.json(
        {
          data: page.map((a) => attestationBody(a, now)),
          nextCursor: rows.length > limit && last ? encodeCursor([last.issuedAt, last.uid]) : null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/consents",
      tags: TAG,
      summary: "Subjects consenting to this project, oldest change first, with keyset pagination",
      security,
      middleware,
      request: { query: ConsentsQuery },
      responses: {
        200: {
          description: "A page of subjects",
          content: { "application/json": { schema: Page(ConsentingSubject, "ConsentPage") } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      const query = c.req.valid("query");
      const after = query.cursor ? decodeCursor(query.cursor, [UINT, HEX_ADDRESS]) : undefined;
      const rows = await rm.consents({
        projectId,
        status: query.status,
        minLevel: query.minLevel,
        updatedSince: query.updatedSince,
        after: after ? { updatedAt: BigInt(after[0] as string), subject: after[1] as Hex } : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const now = deps.attestationTime();
      return c.json(
        {
          data: page.map((row) => consentBody(row, now)),
          nextCursor: rows.length > query.limit && last ? encodeCursor([last.updatedAt, last.subject]) : null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/budget",
      tags: TAG,
      summary: "This project's budget at the paymaster: balance left, funded, withdrawn, spent, policy",
      security,
      middleware,
      request: { query: NoQuery },
      responses: {
        200: { description: "The budget", content: { "application/json": { schema: Budget } } },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      if (!rm.budget) throw notFound("The paymaster is not indexed on this chain");
      await loadProject(projectId);
      return c.json(budgetBody(projectId, await rm.budget(projectId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/budget/operations",
      tags: TAG,
      summary: "User operations this project sponsored, newest first",
      security,
      middleware,
      request: { query: PageQuery },
      responses: {
        200: {
          description: "A page of operations",
          content: { "application/json": { schema: Page(SponsoredOperation, "SponsoredOperationPage") } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const projectId = projectOf(c);
      const { cursor, limit } = c.req.valid("query");
      if (!rm.sponsoredOperations) throw notFound("The paymaster is not indexed on this chain");
      const before = cursor ? decodeCursor(cursor, [UINT, /^[0-9]{1,9}$/]) : undefined;
      const rows = await rm.sponsoredOperations(
        projectId,
        limit + 1,
        before ? { blockNumber: BigInt(before[0] as string), logIndex: Number(before[1]) } : undefined,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return c.json(
        {
          data: page.map(operationBody),
          nextCursor: rows.length > limit && last ? encodeCursor([last.blockNumber, last.logIndex]) : null,
        },
        200,
      );
    },
  );
}
