/**
 * Analytics for the key's project (API key with the `read` scope): one route per family, over the
 * hourly and daily rollups (indexer/analytics/). The project is the key's; there is no project
 * parameter, so a key reads its own project's figures and nobody else's. The dashboard reads the
 * same report through the signed-in session, for the project's role holders (as its usage route).
 */
import { createRoute, type z } from "@hono/zod-openapi";
import { bucketStart, DAY_MS, HOUR_MS } from "../../../analytics/buckets.js";
import { readFamily } from "../../../analytics/query.js";
import { ROLE_READER, ROLE_SPONSOR_MANAGER } from "../../lib/projectRoles.js";
import { apiKeyOf } from "../http/apiKeyOf.js";
import { ApiError, errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import {
  AdminProjectParams,
  ANALYTICS_MAX_RANGE_MS,
  AnalyticsParams,
  AnalyticsQuery,
  AnalyticsReport,
} from "../schemas.js";

export function registerAnalyticsRoutes(app: ApiApp, kit: ApiKit): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/analytics/{family}",
      tags: ["Tenant"],
      summary: "The project's usage, cost or performance per UTC hour or day (rebuilt from sources every few minutes)",
      security: [{ apiKey: [] }],
      middleware: [kit.requireApiKey("read")],
      request: { params: AnalyticsParams, query: AnalyticsQuery },
      responses: {
        200: {
          description: "One series per metric and dimension",
          content: { "application/json": { schema: AnalyticsReport } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) =>
      c.json(await report(kit, apiKeyOf(c).projectId, c.req.valid("param").family, c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projects/{projectId}/analytics/{family}",
      tags: ["Project admin"],
      summary: "The same report as GET /v1/analytics/{family}, for the project's role holders (the dashboard)",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: { params: AdminProjectParams.extend(AnalyticsParams.shape), query: AnalyticsQuery },
      responses: {
        200: {
          description: "One series per metric and dimension",
          content: { "application/json": { schema: AnalyticsReport } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { projectId, family } = c.req.valid("param");
      await kit.requireProjectAdmin(c, projectId, "analytics.read", ROLE_READER | ROLE_SPONSOR_MANAGER);
      return c.json(await report(kit, projectId, family, c.req.valid("query")), 200);
    },
  );
}

async function report(
  kit: ApiKit,
  projectId: bigint,
  family: z.infer<typeof AnalyticsParams>["family"],
  query: z.infer<typeof AnalyticsQuery>,
) {
  const { deps } = kit;
  const { granularity } = query;
  const size = granularity === "day" ? DAY_MS : HOUR_MS;
  // Whole buckets: `from` rounds down, `to` rounds up; the defaults are the last 30 days or 48 hours.
  const to = bucketStart((query.to ?? deps.now()).getTime() + size - 1, granularity);
  const from = bucketStart(query.from?.getTime() ?? to - (granularity === "day" ? 30 : 48) * size, granularity);
  // Checked here, after the defaults: `from` alone may be far back, or after now.
  if (from >= to) throw new ApiError(400, "invalid_request", "from: must be before to", "from");
  if (to - from > ANALYTICS_MAX_RANGE_MS[granularity] + 2 * size) {
    const most = granularity === "day" ? "366 days" : "31 days";
    throw new ApiError(
      400,
      "invalid_request",
      `from: the range may span at most ${most} at ${granularity}ly granularity`,
      "from",
    );
  }
  const result = await readFamily(deps.store, deps.analytics, {
    projectId,
    family,
    granularity,
    from: new Date(from),
    to: new Date(to),
  });
  return {
    projectId: projectId.toString(),
    family,
    granularity,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...result,
  };
}
