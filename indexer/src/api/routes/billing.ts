/**
 * An organization's monthly statement (billing/statement.ts) for its owner and enabled admins, as
 * the indexed chain says now; JSON, or CSV with `?format=csv` or `Accept: text/csv`. Every
 * download, and every refusal, goes to the audit trail.
 */
import { createRoute } from "@hono/zod-openapi";
import { computeStatement, PricingUnavailable, StatementError, statementCsv } from "../../../billing/statement.js";
import { writeAudit } from "../../../db/audit.js";
import { ApiError, errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { Statement, StatementParams, StatementQuery } from "../schemas.js";

export function registerBillingRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/organizations/{orgId}/statements/{month}",
      tags: ["Organization admin"],
      summary: "The organization's statement for a month (past or current): line items, credit, total",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: { params: StatementParams, query: StatementQuery },
      responses: {
        200: {
          description: "The statement; the same month gives the same bytes once it is over",
          content: {
            "application/json": { schema: Statement },
            "text/csv": { schema: { type: "string" } },
          },
        },
        ...errorResponses(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { orgId: orgIdText, month } = c.req.valid("param");
      const orgId = BigInt(orgIdText);
      const target = `organization:${orgId}/${month}`;
      const { session, organization } = await kit.requireOrganizationAdmin(c, orgId, "billing.statement.read", target);
      const csv = c.req.valid("query").format === "csv" || /\btext\/csv\b/.test(c.req.header("Accept") ?? "");
      let statement: Awaited<ReturnType<typeof computeStatement>>;
      try {
        statement = await computeStatement(deps.store, {
          orgId,
          projectIds: organization.projectIds,
          month,
          priceLists: deps.priceLists,
          prices: deps.analytics.prices,
          now: deps.now(),
        });
      } catch (error) {
        if (error instanceof StatementError)
          throw new ApiError(400, "invalid_request", `month: ${error.message}`, "month");
        if (error instanceof PricingUnavailable) {
          throw new ApiError(
            503,
            "pricing_not_configured",
            `This statement cannot be priced yet: ${error.message}. The deployment's operator must set it; nothing was billed.`,
          );
        }
        throw error;
      }
      await writeAudit(deps.store, {
        actor: session.address,
        action: "billing.statement.read",
        target,
        result: "ok",
        detail: { format: csv ? "csv" : "json", total: statement.total, priceList: statement.priceList.version },
        requestId: c.get("requestId"),
      });
      if (csv) {
        return c.body(statementCsv(statement), 200, {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="onekey-statement-${orgId}-${month}.csv"`,
        });
      }
      return c.json(statement, 200);
    },
  );
}
