/**
 * Organization and plan oversight, for protocol operators: every organization on the indexed
 * chain with its plan (@onekey/service-kit/plans, the file ONEKEY_PLANS_FILE names), its project
 * count, and this month's verifications so far against the plan's quota. With the issuer's
 * database (ONEKEY_ANALYTICS_ISSUER_DATABASE_URL) they are counted exactly as the issuer's quota
 * counts them (service-kit's verificationsCounted); without it, from the analytics rollups'
 * `verifications.started`, and `verifications.source` says which. Read-only: a plan is changed in
 * the plans file, which is versioned and reviewed, never through the API.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { monthOf } from "@onekey/service-kit/months";
import { verificationsCounted } from "@onekey/service-kit/verification-quota";
import { type Plan, planOf } from "../../../billing/plans.js";
import { writeAudit } from "../../../db/audit.js";
import { decodeCursor, encodeCursor, UINT } from "../http/cursor.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { CursorString } from "../schemas.js";
import type { RequireOperator } from "./operatorSubjects.js";

const OrganizationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorString.optional(),
});

const OperatorOrganization = z
  .object({
    orgId: z.string(),
    owner: z.string(),
    projects: z.number().int(),
    plan: z.object({
      name: z.string(),
      apiRequestsPerWindow: z.number().int().nullable().openapi({ description: "null: the deployment's default" }),
      monthlyVerifications: z.number().int().nullable().openapi({ description: "The monthly quota; null: unlimited" }),
    }),
    month: z.string().openapi({ example: "2026-12" }),
    verifications: z.object({
      used: z.number().int().openapi({ description: "Verification sessions started this month (UTC) so far" }),
      quota: z.number().int().nullable(),
      source: z.enum(["issuer", "analytics"]).openapi({
        description:
          "issuer: counted in the issuer's sessions exactly as its quota counts them; analytics: the rollups' verifications.started (no issuer database configured), which may differ (it counts sessions that no provider answered)",
      }),
    }),
    statement: z.string().openapi({ description: "The organization's statement for this month (its admins' route)" }),
  })
  .openapi("OperatorOrganization");

export function registerOperatorOrganizationRoutes(app: ApiApp, kit: ApiKit, requireOperator: RequireOperator): void {
  const { deps } = kit;
  const { plans } = deps;

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/operator/organizations",
      tags: ["Operators"],
      summary: "Organizations with their plan and this month's verifications against its quota (operators only)",
      description:
        "Read-only. Plans are changed in the plans file (ONEKEY_PLANS_FILE, default service-kit/src/plans.json; versioned and reviewed), which the issuer and this API watch: a change takes effect within seconds, without a restart. There is no route that changes a plan.",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: { query: OrganizationsQuery },
      responses: {
        200: {
          description: "Organizations by id",
          content: {
            "application/json": {
              schema: z
                .object({ data: z.array(OperatorOrganization), nextCursor: z.string().nullable() })
                .openapi("OperatorOrganizationPage"),
            },
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const operator = await requireOperator(c, "operator.organizations.read");
      const after = cursor ? BigInt(decodeCursor(cursor, [UINT])[0] as string) : undefined;
      const rows = await deps.readModel.organizations(limit + 1, after);
      const page = rows.slice(0, limit);

      const { month, start, end } = monthOf(deps.now());
      const orgIds = page.map((o) => o.orgId.toString());
      let used: Map<string, number>;
      let source: "issuer" | "analytics";
      if (deps.issuerSessions) {
        // What the issuer enforces: its own sessions, counted by the same function.
        used = await verificationsCounted(deps.issuerSessions, orgIds, { start, end });
        source = "issuer";
      } else {
        used = await rollupCounts(deps.store, page, start, end);
        source = "analytics";
      }

      const current = plans.current();
      const data = page.map((o) => {
        const name = planOf(current, o.orgId);
        const plan = current.plans[name] as Plan;
        const orgId = o.orgId.toString();
        return {
          orgId,
          owner: o.owner,
          projects: o.projectIds.length,
          plan: {
            name,
            apiRequestsPerWindow: plan.apiRequestsPerWindow,
            monthlyVerifications: plan.monthlyVerifications,
          },
          month,
          verifications: { used: used.get(orgId) ?? 0, quota: plan.monthlyVerifications, source },
          statement: `/v1/admin/organizations/${orgId}/statements/${month}`,
        };
      });
      const last = page.at(-1);
      await writeAudit(deps.store, {
        actor: operator,
        action: "operator.organizations.read",
        result: "ok",
        detail: { count: data.length },
        requestId: c.get("requestId"),
      });
      return c.json({ data, nextCursor: rows.length > limit && last ? encodeCursor([last.orgId]) : null }, 200);
    },
  );
}

/** The rollups' verifications.started this month, summed per organization over its projects. */
async function rollupCounts(
  store: ApiKit["deps"]["store"],
  page: { orgId: bigint; projectIds: bigint[] }[],
  start: Date,
  end: Date,
): Promise<Map<string, number>> {
  const projectOrg = new Map<string, string>();
  for (const o of page) for (const id of o.projectIds) projectOrg.set(id.toString(), o.orgId.toString());
  const used = new Map<string, number>();
  if (projectOrg.size === 0) return used;
  const sums = await store
    .selectFrom("analytics_rollups")
    .select(["project_id", (eb) => eb.fn.sum<string>("value").as("total")])
    .where("granularity", "=", "day")
    .where("metric", "=", "verifications.started")
    .where("bucket_start", ">=", start)
    .where("bucket_start", "<", end)
    .where("project_id", "in", [...projectOrg.keys()])
    .groupBy("project_id")
    .execute();
  for (const s of sums) {
    const org = projectOrg.get(String(s.project_id));
    if (org) used.set(org, (used.get(org) ?? 0) + Number(String(s.total).split(".")[0]));
  }
  return used;
}
