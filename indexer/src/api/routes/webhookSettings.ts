/**
 * A project's delivery settings (API key with the `webhooks:manage` scope): its confirmation
 * policy and its budget.low threshold.
 */
import { createRoute } from "@hono/zod-openapi";
import { updateSettings } from "../../../webhooks/store/endpoints.js";
import { jsonBody, jsonResponse } from "../http/openapi.js";
import { settingsBody } from "../http/webhookBodies.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { NoQuery, WebhookSettings, WebhookSettingsBody } from "../schemas.js";
import { WEBHOOK_FLAVOURS, webhookRouteKit } from "./webhookRouteKit.js";

export function registerWebhookSettingsRoutes(app: ApiApp, kit: ApiKit): void {
  for (const flavour of WEBHOOK_FLAVOURS) register(app, webhookRouteKit(kit, flavour));
}

function register(app: ApiApp, hooks: ReturnType<typeof webhookRouteKit>): void {
  const { db, deps, route, errors } = hooks;

  app.openapi(
    createRoute({
      ...route,
      method: "get",
      path: `${hooks.prefix}/settings`,
      summary: "The project's confirmation policy and budget.low threshold",
      request: { ...hooks.projectParams, query: NoQuery },
      responses: { 200: jsonResponse("Settings", WebhookSettings), ...errors },
    }),
    async (c) => c.json(settingsBody(await hooks.settingsOf(hooks.caller(c).projectId)), 200),
  );

  app.openapi(
    createRoute({
      ...route,
      method: "put",
      path: `${hooks.prefix}/settings`,
      summary: "Set the confirmation policy (applies to events indexed from now on) and the budget.low threshold",
      request: { ...hooks.projectParams, body: jsonBody(WebhookSettingsBody) },
      responses: { 200: jsonResponse("Settings", WebhookSettings), ...errors },
    }),
    async (c) => {
      const { projectId } = hooks.caller(c);
      const body = c.req.valid("json");
      await hooks.settingsOf(projectId);
      const changes: Parameters<typeof updateSettings>[2] = { updated_at: deps.now() };
      if (body.confirmations !== undefined) {
        changes.confirmations = body.confirmations === "finalized" ? null : body.confirmations;
      }
      if (body.budgetLowThreshold !== undefined) changes.budget_low_threshold = body.budgetLowThreshold;
      const row = await updateSettings(db, projectId, changes);
      await hooks.audit(c, "webhook_settings.update", projectId.toString(), { fields: Object.keys(body) });
      return c.json(settingsBody(row), 200);
    },
  );
}
