/**
 * Project admin endpoints (session required): API keys and the project's audit log. Each call
 * re-checks on the indexed chain state that the session's address administers the project.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { writeAudit } from "../../../db/audit.js";
import { ROLE_ADMIN, ROLE_READER, ROLE_SPONSOR_MANAGER } from "../../lib/projectRoles.js";
import { decodeCursor, encodeCursor, INT64_ID } from "../http/cursor.js";
import { ApiError, badRequest, errorResponses, notFound } from "../http/errors.js";
import { apiKeyBody } from "../http/format.js";
import type { ApiApp, ApiKit } from "../kit.js";
import {
  AdminKeyParams,
  AdminProjectParams,
  ApiKey,
  AuditEntry,
  AuditQuery,
  CreatedKey,
  CreateKeyBody,
  NoQuery,
  Page,
  ProjectMembership,
  RotatedKey,
  RotateKeyBody,
} from "../schemas.js";

const TAG = ["Project admin"];
const security = [{ session: [] }];

const ROLE_NAMES = [
  [ROLE_ADMIN, "admin"],
  [ROLE_READER, "reader"],
  [ROLE_SPONSOR_MANAGER, "sponsor_manager"],
] as const;

function roleNames(bits: number): ("admin" | "reader" | "sponsor_manager")[] {
  return ROLE_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}

export function registerAdminRoutes(app: ApiApp, kit: ApiKit): void {
  const { keys, deps } = kit;
  const middleware = [kit.requireSession];

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projects",
      tags: TAG,
      summary: "The projects the signed-in address has a role in, or whose organization it owns or administers",
      security,
      middleware,
      request: { query: NoQuery },
      responses: {
        200: {
          description: "Projects, by id, with the address's roles on each (read from the indexed chain now)",
          content: { "application/json": { schema: z.object({ data: z.array(ProjectMembership) }) } },
        },
        ...errorResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const session = c.get("session");
      if (!session) throw new ApiError(401, "session_invalid", "Session required");
      const memberships = await deps.readModel.projectsOf(session.address);
      return c.json(
        {
          data: memberships.map((m) => ({
            projectId: m.project.projectId.toString(),
            orgId: m.project.orgId.toString(),
            slug: m.project.slug,
            status: (m.project.status === "active" || m.project.status === "suspended" ? m.project.status : "none") as
              | "active"
              | "suspended"
              | "none",
            requiredLevel: m.project.requiredLevel,
            roles: roleNames(m.roles),
            offeredRoles: roleNames(m.offeredRoles),
            organizationRole: m.organizationRole,
            administers: (m.roles & ROLE_ADMIN) !== 0 || m.organizationRole !== null,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projects/{projectId}/api-keys",
      tags: TAG,
      summary: "List the project's API keys (never their secrets)",
      security,
      middleware,
      request: { params: AdminProjectParams, query: NoQuery },
      responses: {
        200: {
          description: "Keys, newest first",
          content: { "application/json": { schema: z.object({ data: z.array(ApiKey) }) } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId } = c.req.valid("param");
      const session = await kit.requireProjectAdmin(c, projectId, "api_key.list");
      const list = await keys.list(projectId);
      await writeAudit(deps.store, {
        actor: session.address,
        projectId,
        action: "api_key.list",
        result: "ok",
        requestId: c.get("requestId"),
      });
      const now = deps.now();
      return c.json({ data: list.map((k) => apiKeyBody(k, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/admin/projects/{projectId}/api-keys",
      tags: TAG,
      summary: "Create an API key; the response holds the secret, shown this once",
      security,
      middleware,
      request: {
        params: AdminProjectParams,
        query: NoQuery,
        body: { required: true, content: { "application/json": { schema: CreateKeyBody } } },
      },
      responses: {
        201: { description: "Created", content: { "application/json": { schema: CreatedKey } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId } = c.req.valid("param");
      const body = c.req.valid("json");
      const session = await kit.requireProjectAdmin(c, projectId, "api_key.create");
      const now = deps.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
      if (expiresAt && expiresAt <= now) throw badRequest("expiresAt", "must be in the future");
      const { key, apiKey } = await keys.create(
        projectId,
        { name: body.name, scopes: body.scopes, expiresAt },
        { address: session.address, requestId: c.get("requestId") },
      );
      return c.json({ key, apiKey: apiKeyBody(apiKey, now) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/admin/projects/{projectId}/api-keys/{keyId}/rotate",
      tags: TAG,
      summary: "Replace a key with a new secret (same name and scopes); the old one ends after the grace period",
      security,
      middleware,
      request: {
        params: AdminKeyParams,
        query: NoQuery,
        body: { required: false, content: { "application/json": { schema: RotateKeyBody } } },
      },
      responses: {
        201: { description: "Rotated", content: { "application/json": { schema: RotatedKey } } },
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { projectId, keyId } = c.req.valid("param");
      const { gracePeriodSeconds } = RotateKeyBody.parse(c.req.valid("json") ?? {});
      const session = await kit.requireProjectAdmin(c, projectId, "api_key.rotate");
      const now = deps.now();
      const result = await keys.rotate(
        projectId,
        keyId,
        gracePeriodSeconds,
        { address: session.address, requestId: c.get("requestId") },
        now,
      );
      if (result === "not_found") throw notFound("No such key in this project");
      if (result === "not_live") throw new ApiError(409, "api_key_not_live", "Only an active key can be rotated");
      return c.json(
        { key: result.key, apiKey: apiKeyBody(result.apiKey, now), previous: apiKeyBody(result.previous, now) },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/admin/projects/{projectId}/api-keys/{keyId}",
      tags: TAG,
      summary: "Revoke a key now",
      security,
      middleware,
      request: { params: AdminKeyParams, query: NoQuery },
      responses: {
        200: { description: "Revoked", content: { "application/json": { schema: z.object({ apiKey: ApiKey }) } } },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { projectId, keyId } = c.req.valid("param");
      const session = await kit.requireProjectAdmin(c, projectId, "api_key.revoke");
      const now = deps.now();
      const result = await keys.revoke(
        projectId,
        keyId,
        { address: session.address, requestId: c.get("requestId") },
        now,
      );
      if (result === "not_found") throw notFound("No such key in this project");
      return c.json({ apiKey: apiKeyBody(result, now) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projects/{projectId}/audit-log",
      tags: TAG,
      summary: "The project's audit log, newest first",
      security,
      middleware,
      request: { params: AdminProjectParams, query: AuditQuery },
      responses: {
        200: { description: "Entries", content: { "application/json": { schema: Page(AuditEntry, "AuditPage") } } },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId } = c.req.valid("param");
      const { cursor, limit, actor, action, since, until } = c.req.valid("query");
      const beforeId = cursor ? BigInt(decodeCursor(cursor, [INT64_ID])[0] as string) : undefined;
      await kit.requireProjectAdmin(c, projectId, "audit_log.read");
      let query = deps.store
        .selectFrom("audit_log")
        .selectAll()
        .where("project_id", "=", projectId.toString())
        .orderBy("id", "desc")
        .limit(limit + 1);
      if (beforeId !== undefined) query = query.where("id", "<", beforeId.toString());
      if (actor) query = query.where("actor", "=", actor.toLowerCase());
      // An action, or every action under a prefix: `api_key` is api_key.create, .rotate, ...
      if (action) query = query.where((eb) => eb.or([eb("action", "=", action), eb("action", "like", `${action}.%`)]));
      if (since) query = query.where("at", ">=", new Date(since));
      if (until) query = query.where("at", "<=", new Date(until));
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return c.json(
        {
          data: page.map((r) => ({
            id: String(r.id),
            at: new Date(r.at).toISOString(),
            actor: r.actor,
            action: r.action,
            target: r.target,
            result: r.result as "ok" | "denied" | "failed",
            detail: (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
          })),
          nextCursor: rows.length > limit && last ? encodeCursor([String(last.id)]) : null,
        },
        200,
      );
    },
  );
}
