/**
 * An organization's monthly statement (billing/statement.ts) for its owner and enabled admins, as
 * the indexed chain says now; JSON, or CSV with `?format=csv` or `Accept: text/csv`. Every
 * download, and every refusal, goes to the audit trail.
 */
import { createRoute } from "@hono/zod-openapi";
import { computeStatement, StatementError, statementCsv } from "../../../billing/statement.js";
import { writeAudit } from "../../../db/audit.js";
import { ApiError, errorResponses, forbidden } from "../http/errors.js";
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
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const session = c.get("session");
      if (!session) throw new ApiError(401, "session_invalid", "Session required");
      const { orgId: orgIdText, month } = c.req.valid("param");
      const orgId = BigInt(orgIdText);
      const csv = c.req.valid("query").format === "csv" || /\btext\/csv\b/.test(c.req.header("Accept") ?? "");
      const who = session.address.toLowerCase();
      const org = await deps.readModel.organization(orgId);
      // An unknown organization is refused like another's: ids are not probed this way.
      if (!org || (org.owner !== who && !org.admins.includes(who as `0x${string}`))) {
        await writeAudit(deps.store, {
          actor: session.address,
          action: "billing.statement.read",
          target: `organization:${orgId}/${month}`,
          result: "denied",
          detail: { reason: "not_organization_admin" },
          requestId: c.get("requestId"),
        });
        throw forbidden(
          "not_organization_admin",
          "This address neither owns nor administers the organization (on the indexed chain)",
        );
      }
      let statement: Awaited<ReturnType<typeof computeStatement>>;
      try {
        statement = await computeStatement(deps.store, {
          orgId,
          projectIds: org.projectIds,
          month,
          priceLists: deps.priceLists,
          prices: deps.analytics.prices,
          now: deps.now(),
        });
      } catch (error) {
        if (error instanceof StatementError)
          throw new ApiError(400, "invalid_request", `month: ${error.message}`, "month");
        throw error;
      }
      await writeAudit(deps.store, {
        actor: session.address,
        action: "billing.statement.read",
        target: `organization:${orgId}/${month}`,
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
