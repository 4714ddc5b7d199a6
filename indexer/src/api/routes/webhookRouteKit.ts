/**
 * What every webhook route uses: its OpenAPI tag and guard, the caller's project, the sealing
 * key, the destination check, the endpoint lookup (a 404 outside the caller's project), the audit
 * entry and the workers' wake-up. Statements are the webhook store's (webhooks/store/).
 */
import type { Context } from "hono";
import { writeAudit } from "../../../db/audit.js";
import { checkDestination, DestinationError } from "../../../webhooks/destinations.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD } from "../../../webhooks/policy.js";
import { notifyDue } from "../../../webhooks/store/deliveries.js";
import { ensureSettings, findEndpoint } from "../../../webhooks/store/endpoints.js";
import { apiKeyOf } from "../http/apiKeyOf.js";
import { ApiError, badRequest, errorResponses, notFound } from "../http/errors.js";
import type { ApiEnv, ApiKit } from "../kit.js";

export function webhookRouteKit(kit: ApiKit) {
  const { deps } = kit;
  const db = deps.store;
  const settings = deps.config.webhooks;

  /** Who calls: the key's project, the key (the audit actor) and the request id. */
  const caller = (c: Context<ApiEnv>) => {
    const key = apiKeyOf(c);
    return { projectId: key.projectId, actor: key.keyId, requestId: c.get("requestId") };
  };

  return {
    db,
    deps,
    /** The fields every webhook route declaration shares. */
    route: {
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
