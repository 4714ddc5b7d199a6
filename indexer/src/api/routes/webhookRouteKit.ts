/**
 * What every webhook route uses: its OpenAPI tag and guard, the caller's project, the sealing
 * key, the destination check, the endpoint lookup (a 404 outside the caller's project), the audit
 * entry and the workers' wake-up. Statements are the webhook store's (webhooks/store/).
 *
 * Every webhook route exists twice, in two flavours with the same handler:
 * - `apiKey`: /v1/webhooks/..., a project API key with the `webhooks:manage` scope (the key's project);
 * - `session`: /v1/admin/projects/{projectId}/webhooks/..., an admin session (the dashboard), which
 *   must administer that project on the indexed chain, re-checked on every call as for API keys.
 */
import type { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { writeAudit } from "../../../db/audit.js";
import { checkDestination, DestinationError } from "../../../webhooks/destinations.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD } from "../../../webhooks/policy.js";
import { notifyDue } from "../../../webhooks/store/deliveries.js";
import { ensureSettings, findEndpoint } from "../../../webhooks/store/endpoints.js";
import { apiKeyOf } from "../http/apiKeyOf.js";
import { ApiError, badRequest, errorResponses, notFound } from "../http/errors.js";
import type { ApiEnv, ApiKit } from "../kit.js";
import { AdminProjectParams } from "../schemas.js";

export type WebhookFlavour = "apiKey" | "session";
export const WEBHOOK_FLAVOURS: readonly WebhookFlavour[] = ["apiKey", "session"];

/** `params` with the session flavour's {projectId} added (typed as `params`: the handlers never read it). */
export function withProject<T extends z.ZodObject>(flavour: WebhookFlavour, params: T): T {
  return flavour === "session" ? (AdminProjectParams.extend(params.shape) as unknown as T) : params;
}

export function webhookRouteKit(kit: ApiKit, flavour: WebhookFlavour = "apiKey") {
  const { deps } = kit;
  const db = deps.store;
  const settings = deps.config.webhooks;

  /** Who calls: the project, the actor of the audit entries (the key, or the session's address) and the request id. */
  const caller = (c: Context<ApiEnv>) => {
    const session = c.get("session");
    const projectId = c.get("projectId");
    if (flavour === "session") {
      if (!session || projectId === undefined) throw new ApiError(401, "session_invalid", "Session required");
      return { projectId: BigInt(projectId), actor: session.address.toLowerCase(), requestId: c.get("requestId") };
    }
    const key = apiKeyOf(c);
    return { projectId: key.projectId, actor: key.keyId, requestId: c.get("requestId") };
  };

  /** The session flavour's guard: the {projectId} of the path, administered by the session's address. */
  const requireAdminOfPathProject: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const parsed = AdminProjectParams.safeParse({ projectId: c.req.param("projectId") });
    if (!parsed.success) throw badRequest("projectId", parsed.error.issues[0]?.message ?? "is invalid");
    await kit.requireProjectAdmin(c, parsed.data.projectId, "webhooks.manage");
    await next();
  };

  return {
    db,
    deps,
    flavour,
    /** Where this flavour's routes live: `${prefix}/endpoints`, ... */
    prefix: flavour === "session" ? "/v1/admin/projects/{projectId}/webhooks" : "/v1/webhooks",
    /** `params` as this flavour's path needs them. */
    params: <T extends z.ZodObject>(params: T) => withProject(flavour, params),
    /** The session flavour's path parameters when a route has none of its own. */
    projectParams: (flavour === "session" ? { params: AdminProjectParams } : {}) as {
      params?: typeof AdminProjectParams;
    },
    /** The fields every webhook route declaration shares. */
    route:
      flavour === "session"
        ? {
            tags: ["Webhooks"],
            security: [{ session: [] }],
            middleware: [kit.requireSession, requireAdminOfPathProject],
          }
        : {
            tags: ["Webhooks"],
            security: [{ apiKey: [] }],
            middleware: [kit.requireApiKey("webhooks:manage")],
          },
    errors: errorResponses(400, 401, 403, 404, 429),
    caller,

    /** The key that seals endpoint secrets; 503 where webhooks are not configured. */
    sealingKey(): Buffer {
      if (!settings.encryptionKey) {
        throw new ApiError(503, "webhooks_unavailable", "Webhooks are not configured on this deployment");
      }
      return settings.encryptionKey;
    },

    /** The URL, normalised, when webhooks may go there (a 400 on `url` otherwise). */
    async destination(url: string): Promise<string> {
      try {
        return (await checkDestination(url, settings.mode)).toString();
      } catch (error) {
        if (error instanceof DestinationError) throw badRequest("url", error.message);
        throw error;
      }
    },

    async endpointOf(projectId: bigint, endpointId: string) {
      const row = await findEndpoint(db, projectId, endpointId);
      if (!row) throw notFound("No such endpoint in this project");
      return row;
    },

    /** The project's settings, created with the deployment's defaults on first use. */
    settingsOf(projectId: bigint) {
      return ensureSettings(db, projectId, {
        confirmations: settings.defaultConfirmations,
        budgetLowThreshold: DEFAULT_BUDGET_LOW_THRESHOLD,
      });
    },

    audit(c: Context<ApiEnv>, action: string, target: string, detail: Record<string, unknown> = {}) {
      const { projectId, actor, requestId } = caller(c);
      return writeAudit(db, { actor, projectId, action, target, result: "ok", detail, requestId });
    },

    /** Wakes the workers; without PostgreSQL (PGlite) there is no worker to wake. */
    wake(): Promise<void> {
      return notifyDue(db, settings.schema).catch(() => undefined);
    },
  };
}
