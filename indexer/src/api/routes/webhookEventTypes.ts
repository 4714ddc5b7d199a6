/**
 * `GET /v1/webhooks/event-types`: the webhook event catalogue (webhooks/eventTypes.ts, over the
 * catalogue's list of types), public: it says what an endpoint may subscribe to, nothing about a
 * project, so it needs no credential.
 */
import { createRoute } from "@hono/zod-openapi";
import { EVENT_TYPE_CATALOGUE } from "../../../webhooks/eventTypes.js";
import { errorResponses } from "../http/errors.js";
import { jsonResponse } from "../http/openapi.js";
import type { ApiApp } from "../kit.js";
import { NoQuery, WebhookEventTypeList } from "../schemas.js";

export function registerWebhookEventTypeRoutes(app: ApiApp): void {
  const body = { data: [...EVENT_TYPE_CATALOGUE] };
  app.openapi(
    createRoute({
      tags: ["Webhooks"],
      method: "get",
      path: "/v1/webhooks/event-types",
      summary: "Every webhook event type: what it means and the SDK type of its data (no credential needed)",
      request: { query: NoQuery },
      responses: { 200: jsonResponse("The event types", WebhookEventTypeList), ...errorResponses(400) },
    }),
    (c) => c.json(body, 200, { "Cache-Control": "public, max-age=3600" }),
  );
}
