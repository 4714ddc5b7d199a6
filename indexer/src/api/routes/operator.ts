/**
 * The operators' API: protocol operators (the addresses in ONEKEY_API_OPERATORS) sign in with the
 * same SIWE session as tenants and handle security incidents (security/alerts.ts) here instead of
 * on the command line: list them, acknowledge, resolve. Every state change is written to the
 * audit trail under the operator's address; every refusal too, so a stranger probing these
 * routes shows up in the trail and its limits.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isAddressEqual } from "viem";
import { writeAudit } from "../../../db/audit.js";
import { listAlerts, setAlertState } from "../../../security/alerts.js";
import { ApiError, errorResponses, forbidden, notFound } from "../http/errors.js";
import { Limiter } from "../http/rateLimit.js";
import type { ApiApp, ApiEnv, ApiKit } from "../kit.js";

const TAG = ["Operators"];
const security = [{ session: [] }];

const Incident = z
  .object({
    id: z.string().openapi({ example: "12" }),
    rule: z.string().openapi({ example: "admin_refusals" }),
    severity: z.enum(["low", "medium", "high", "critical"]),
    projectId: z.string().nullable().openapi({ description: "The affected project, when there is one" }),
    summary: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    state: z.enum(["open", "acknowledged", "resolved"]),
    occurrences: z.number().int(),
    firstSeenAt: z.string().openapi({ format: "date-time" }),
    lastSeenAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Incident");

const IncidentsQuery = z.strictObject({
  state: z.enum(["open", "acknowledged", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const IncidentParams = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "must be an incident id")
    .openapi({ param: { name: "id", in: "path" }, example: "12" }),
});

export function registerOperatorRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const { config } = deps;
  const operators = config.operators;
  // Refusals are audited, so they are limited per address first: a stranger's session cannot
  // write the trail without bound (as for refused admin calls).
  const refusals = new Limiter(
    config.authRateLimitPoints,
    60,
    "operator-refused",
    deps.redis && config.redis ? { redis: deps.redis, keyPrefix: config.redis.keyPrefix } : undefined,
  );

  /** The session's address, if it is an operator's; otherwise the refusal is audited and thrown. */
  const requireOperator = async (c: Context<ApiEnv>, action: string): Promise<string> => {
    const session = c.get("session");
    if (session && operators.some((operator) => isAddressEqual(operator, session.address))) return session.address;
    await refusals.consume(`operator:${session?.address.toLowerCase() ?? "none"}`, "refused operator requests");
    await writeAudit(deps.store, {
      actor: session?.address ?? "unknown",
      action,
      result: "denied",
      detail: { reason: "not_operator" },
      requestId: c.get("requestId"),
    });
    throw forbidden("not_operator", "This address is not one of this deployment's operators");
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/operator/incidents",
      tags: TAG,
      summary: "Security incidents, newest first (operators only)",
      security,
      middleware: [kit.requireSession],
      request: { query: IncidentsQuery },
      responses: {
        200: {
          description: "Incidents",
          content: { "application/json": { schema: z.object({ data: z.array(Incident) }).openapi("IncidentList") } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      await requireOperator(c, "operator.incidents.list");
      const { state, limit } = c.req.valid("query");
      const data = await listAlerts(deps.store, state, limit);
      return c.json({ data: data as z.infer<typeof Incident>[] }, 200);
    },
  );

  for (const [verb, state] of [
    ["acknowledge", "acknowledged"],
    ["resolve", "resolved"],
  ] as const) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/v1/operator/incidents/{id}/${verb}`,
        tags: TAG,
        summary: `Mark an incident ${state}, under the operator's address in the audit trail`,
        security,
        middleware: [kit.requireSession],
        request: { params: IncidentParams },
        responses: {
          200: { description: `The incident, ${state}`, content: { "application/json": { schema: Incident } } },
          ...errorResponses(400, 401, 403, 404, 409, 429),
        },
      }),
      async (c) => {
        const operator = await requireOperator(c, `operator.incidents.${verb}`);
        const { id } = c.req.valid("param");
        const result = await setAlertState(deps.store, id, state, operator.toLowerCase(), deps.now());
        if (result === "not_found") throw notFound(`No incident ${id}`);
        if (result === "already") {
          throw new ApiError(409, "incident_state_unchanged", `Incident ${id} is already ${state} (or resolved)`);
        }
        return c.json(result as z.infer<typeof Incident>, 200);
      },
    );
  }
}
