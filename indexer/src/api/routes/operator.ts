/**
 * The operators' API: protocol operators (the addresses in ONEKEY_API_OPERATORS) sign in with the
 * same SIWE session as tenants and handle security incidents (security/alerts.ts) here instead of
 * on the command line: list them, acknowledge, resolve. Chain actions (suspend or reactivate a
 * project, register or remove an issuer, rotate the paymaster's signer) are not sent from here:
 * the answer is a Safe Transaction Builder batch for governance to sign, the same file the admin
 * commands print with --safe. Every call is written to the audit trail under the operator's
 * address; every refusal too, so a stranger probing these routes shows up in the trail and its
 * limits.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi, safeBatch, safeTransaction } from "@onekey/deploy";
import type { Context } from "hono";
import { isAddressEqual } from "viem";
import { readAcrossProjects } from "../../../analytics/query.js";
import { writeAudit } from "../../../db/audit.js";
import { listAlerts, setAlertState } from "../../../security/alerts.js";
import { ApiError, errorResponses, forbidden, notFound, unauthorized } from "../http/errors.js";
import type { ApiApp, ApiEnv, ApiKit } from "../kit.js";
import { AddressString, ProjectIdString } from "../schemas.js";
import { registerOperatorOrganizationRoutes } from "./operatorOrganizations.js";
import { registerOperatorProviderRoutes } from "./operatorProviders.js";
import { registerOperatorSubjectRoutes } from "./operatorSubjects.js";

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

const GovernanceAction = z
  .discriminatedUnion("action", [
    z.strictObject({ action: z.literal("suspend_project"), projectId: ProjectIdString }),
    z.strictObject({ action: z.literal("reactivate_project"), projectId: ProjectIdString }),
    z.strictObject({ action: z.literal("register_issuer"), issuer: AddressString }),
    z.strictObject({ action: z.literal("remove_issuer"), issuer: AddressString }),
    z.strictObject({ action: z.literal("begin_signer_rotation"), signer: AddressString }),
    z.strictObject({ action: z.literal("complete_signer_rotation") }),
    z.strictObject({ action: z.literal("cancel_signer_rotation") }),
  ])
  .openapi("GovernanceAction");

const SafeBatch = z
  .object({
    version: z.literal("1.0"),
    chainId: z.string(),
    createdAt: z.number().int(),
    meta: z.object({
      name: z.string(),
      description: z.string(),
      txBuilderVersion: z.string(),
      createdFromSafeAddress: z.string(),
      createdFromOwnerAddress: z.string(),
      checksum: z.string().optional(),
    }),
    transactions: z.array(
      z.object({
        to: z.string(),
        value: z.string(),
        data: z.string(),
        contractMethod: z.object({
          name: z.string(),
          payable: z.boolean(),
          inputs: z.array(z.object({ name: z.string(), type: z.string(), internalType: z.string().optional() })),
        }),
        contractInputsValues: z.record(z.string(), z.string()),
      }),
    ),
  })
  .openapi("SafeBatch", {
    description:
      "A Safe Transaction Builder batch: import it in the Safe app (Apps > Transaction Builder), sign, execute",
  });

const PROJECT_STATUS = { active: 1, suspended: 2 } as const;

const DAY_MS = 86_400_000;
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day (YYYY-MM-DD)")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "is not a calendar day");
const AcrossProjectsQuery = z.strictObject({
  from: Day.optional().openapi({ description: "First UTC day (default: 30 days before `to`)" }),
  to: Day.optional().openapi({ description: "The UTC day after the last one (default: tomorrow)" }),
});
const ProjectTotals = z
  .object({ projectId: z.string(), totals: z.record(z.string(), z.string()) })
  .openapi("ProjectTotals", { description: "A project's totals per metric over the range (analytics rollups)" });

/**
 * The guard of every operator route: the session's address if it is an operator's; otherwise the
 * refusal spends the caller's refusal budget (kit.limitRefused, shared with refused admin calls,
 * so a stranger's session cannot write the trail without bound), is audited and thrown.
 */
export function operatorGuard(kit: ApiKit) {
  const { deps } = kit;
  const operators = deps.config.operators;
  return async (c: Context<ApiEnv>, action: string, target?: string): Promise<string> => {
    const session = c.get("session");
    if (!session) throw unauthorized("session_invalid", "Session required");
    if (operators.some((operator) => isAddressEqual(operator, session.address))) return session.address;
    await kit.limitRefused(session);
    await writeAudit(deps.store, {
      actor: session.address,
      action,
      target,
      result: "denied",
      detail: { reason: "not_operator" },
      requestId: c.get("requestId"),
    });
    throw forbidden("not_operator", "This address is not one of this deployment's operators");
  };
}

export function registerOperatorRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;

  const requireOperator = operatorGuard(kit);

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

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/operator/analytics",
      tags: TAG,
      summary: "Every project's analytics totals per metric over whole UTC days (operators only)",
      security,
      middleware: [kit.requireSession],
      request: { query: AcrossProjectsQuery },
      responses: {
        200: {
          description: "Projects with any activity in the range",
          content: {
            "application/json": {
              schema: z
                .object({ from: z.string(), to: z.string(), data: z.array(ProjectTotals) })
                .openapi("AcrossProjects"),
            },
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      await requireOperator(c, "operator.analytics.read");
      const query = c.req.valid("query");
      const to = query.to
        ? new Date(`${query.to}T00:00:00Z`)
        : new Date(Math.ceil(deps.now().getTime() / DAY_MS) * DAY_MS);
      const from = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(to.getTime() - 30 * DAY_MS);
      if (from >= to || to.getTime() - from.getTime() > 366 * DAY_MS) {
        throw new ApiError(400, "invalid_request", "from: must be before to, at most 366 days", "from");
      }
      const data = await readAcrossProjects(deps.store, { from, to });
      return c.json({ from: from.toISOString(), to: to.toISOString(), data }, 200);
    },
  );

  /** The one call an action stands for, and how a person reading the batch describes it. */
  const governanceCall = async (input: z.infer<typeof GovernanceAction>) => {
    const targets = deps.governance;
    if (!targets) throw new ApiError(503, "governance_not_configured", "This deployment has no contracts to govern");
    switch (input.action) {
      case "suspend_project":
      case "reactivate_project": {
        const project = await deps.readModel.project(input.projectId);
        if (!project) throw notFound(`No project ${input.projectId}`);
        const wanted = input.action === "suspend_project" ? "suspended" : "active";
        if (project.status === wanted) {
          throw new ApiError(409, "project_status_unchanged", `Project ${input.projectId} is already ${wanted}`);
        }
        return {
          target: input.projectId.toString(),
          description: `${input.action === "suspend_project" ? "Suspend" : "Reactivate"} OneKey project ${input.projectId} (${project.slug}).`,
          transaction: safeTransaction({
            address: targets.projectRegistry,
            abi: projectRegistryAbi,
            functionName: "setProjectStatus",
            args: [input.projectId, PROJECT_STATUS[wanted]],
          }),
        };
      }
      case "register_issuer":
      case "remove_issuer":
        return {
          target: input.issuer,
          description: `${input.action === "register_issuer" ? "Register" : "Remove"} the KYC issuer ${input.issuer}.`,
          transaction: safeTransaction({
            address: targets.kycRegistry,
            abi: kycRegistryAbi,
            functionName: input.action === "register_issuer" ? "registerIssuer" : "removeIssuer",
            args: [input.issuer],
          }),
        };
      default: {
        if (!targets.paymaster) {
          throw new ApiError(503, "governance_not_configured", "This deployment has no paymaster");
        }
        const transaction =
          input.action === "begin_signer_rotation"
            ? safeTransaction({
                address: targets.paymaster,
                abi: oneKeyPaymasterAbi,
                functionName: "beginSignerRotation",
                args: [input.signer],
              })
            : safeTransaction({
                address: targets.paymaster,
                abi: oneKeyPaymasterAbi,
                functionName:
                  input.action === "complete_signer_rotation" ? "completeSignerRotation" : "cancelSignerRotation",
                args: [],
              });
        return {
          target: input.action === "begin_signer_rotation" ? input.signer : targets.paymaster,
          description:
            input.action === "begin_signer_rotation"
              ? `Begin rotating the paymaster's sponsorship signer to ${input.signer}.`
              : `${input.action === "complete_signer_rotation" ? "Complete" : "Cancel"} the paymaster's signer rotation.`,
          transaction,
        };
      }
    }
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/operator/governance",
      tags: TAG,
      summary: "A governance action as a Safe Transaction Builder batch (nothing is sent; governance signs it)",
      security,
      middleware: [kit.requireSession],
      request: { body: { content: { "application/json": { schema: GovernanceAction } }, required: true } },
      responses: {
        200: {
          description: "The batch to import in the Safe app",
          content: { "application/json": { schema: SafeBatch } },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429, 503),
      },
    }),
    async (c) => {
      const operator = await requireOperator(c, "operator.governance");
      const input = c.req.valid("json");
      const call = await governanceCall(input);
      const batch = safeBatch({
        chainId: deps.governance?.chainId ?? deps.config.chainId,
        name: `OneKey: ${input.action.replaceAll("_", " ")}`,
        description: call.description,
        safe: deps.governance?.safe,
        transactions: [call.transaction],
        createdAt: deps.now().getTime(),
      });
      await writeAudit(deps.store, {
        actor: operator,
        projectId: "projectId" in input ? input.projectId : undefined,
        action: `operator.governance.${input.action}`,
        target: call.target,
        result: "ok",
        detail: { checksum: batch.meta.checksum },
        requestId: c.get("requestId"),
      });
      return c.json(batch, 200);
    },
  );

  registerOperatorSubjectRoutes(app, kit, requireOperator);
  registerOperatorOrganizationRoutes(app, kit, requireOperator);
  registerOperatorProviderRoutes(app, kit, requireOperator);
}
