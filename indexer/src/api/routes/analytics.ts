/**
 * Analytics for the key's project (API key with the `read` scope): one route per family, over the
 * hourly and daily rollups (indexer/analytics/). The project is the key's; there is no project
 * parameter, so a key reads its own project's figures and nobody else's.
 */
import { createRoute } from "@hono/zod-openapi";
import { bucketStart, DAY_MS, HOUR_MS } from "../../../analytics/buckets.js";
import { readFamily } from "../../../analytics/query.js";
import { apiKeyOf } from "../http/apiKeyOf.js";
import { ApiError, errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { ANALYTICS_MAX_RANGE_MS, AnalyticsParams, AnalyticsQuery, AnalyticsReport } from "../schemas.js";

export function registerAnalyticsRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
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
    async (c) => {
      const { family } = c.req.valid("param");
      const query = c.req.valid("query");
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
      const projectId = apiKeyOf(c).projectId;
      const report = await readFamily(deps.store, deps.analytics, {
        projectId,
        family,
        granularity,
        from: new Date(from),
        to: new Date(to),
      });
      return c.json(
        {
          projectId: projectId.toString(),
          family,
          granularity,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          ...report,
        },
        200,
      );
    },
  );
}
