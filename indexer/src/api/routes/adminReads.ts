/**
 * Reads the dashboard makes with the admin session that not only admins may make: the consenting
 * subjects (a project's reader sees them, as its API key would) and the per-day usage. Each call
 * re-checks the session's roles on the indexed chain; a refusal is audited as for admin calls.
 */
import { createRoute } from "@hono/zod-openapi";
import { sql } from "kysely";
import type { Hex } from "viem";
import { ROLE_READER, ROLE_SPONSOR_MANAGER } from "../../lib/projectRoles.js";
import { decodeCursor, encodeCursor, HEX_ADDRESS, UINT } from "../http/cursor.js";
import { errorResponses } from "../http/errors.js";
import { consentBody } from "../http/format.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { AdminProjectParams, ConsentingSubject, ConsentsQuery, Page, UsageQuery, UsageReport } from "../schemas.js";

const TAG = ["Project admin"];
const security = [{ session: [] }];
const DAY = 86_400;

export function registerAdminReadRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const middleware = [kit.requireSession];

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projects/{projectId}/consents",
      tags: TAG,
      summary: "Subjects consenting to the project, as GET /v1/consents, for its admins and readers",
      security,
      middleware,
      request: { params: AdminProjectParams, query: ConsentsQuery },
      responses: {
        200: {
          description: "A page of subjects",
          content: { "application/json": { schema: Page(ConsentingSubject, "AdminConsentPage") } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId } = c.req.valid("param");
      const query = c.req.valid("query");
      const after = query.cursor ? decodeCursor(query.cursor, [UINT, HEX_ADDRESS]) : undefined;
      await kit.requireProjectAdmin(c, projectId, "consents.read", ROLE_READER);
      const rows = await deps.readModel.consents({
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
      path: "/v1/admin/projects/{projectId}/usage",
      tags: TAG,
      summary:
        "Per-day (UTC) verifications, consents, webhook deliveries and gas sponsored, for the project's role holders",
      security,
      middleware,
      request: { params: AdminProjectParams, query: UsageQuery },
      responses: {
        200: {
          description: "One entry per day, oldest first, days without activity included",
          content: { "application/json": { schema: UsageReport } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId } = c.req.valid("param");
      const { days } = c.req.valid("query");
      await kit.requireProjectAdmin(c, projectId, "usage.read", ROLE_READER | ROLE_SPONSOR_MANAGER);
      const today = Math.floor(deps.attestationTime().getTime() / 1000 / DAY) * DAY;
      const since = today - (days - 1) * DAY;
      const [chain, deliveries] = await Promise.all([
        deps.readModel.usage(projectId, BigInt(since)),
        deps.store
          .selectFrom("webhook_deliveries")
          .select([
            sql<string>`floor(extract(epoch from created_at) / ${DAY}) * ${DAY}`.as("day"),
            sql<string>`count(*)`.as("n"),
          ])
          .where("project_id", "=", projectId.toString())
          .where("created_at", ">=", new Date(since * 1000))
          .groupBy(sql`1`)
          .execute(),
      ]);
      const byDay = new Map(chain.map((d) => [Number(d.day), d]));
      const deliveredByDay = new Map(deliveries.map((d) => [Math.round(Number(d.day)), Number(d.n)]));
      const report = [];
      for (let day = since; day <= today; day += DAY) {
        const d = byDay.get(day);
        report.push({
          day: new Date(day * 1000).toISOString().slice(0, 10),
          verifications: d?.verifications ?? 0,
          consents: d?.consents ?? 0,
          webhookDeliveries: deliveredByDay.get(day) ?? 0,
          sponsoredOperations: d?.sponsoredOperations ?? 0,
          gasSponsoredWei: (d?.gasSponsoredWei ?? 0n).toString(),
        });
      }
      return c.json({ projectId: projectId.toString(), days: report }, 200);
    },
  );
}
