/**
 * Webhook endpoints (API key with the `webhooks:manage` scope): register, list, read, change,
 * delete, rotate the signing secret, send a test event. As everywhere in the tenant API the
 * project is the key's: an endpoint of another project is a 404.
 */
import { randomBytes } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { webhookTestEvent } from "../../../webhooks/derived/webhookTest.js";
import { DEFAULT_ENDPOINT_RATE_LIMIT } from "../../../webhooks/policy.js";
import { newSigningSecret, sealSecret } from "../../../webhooks/secrets.js";
import {
  countEndpoints,
  type EndpointChanges,
  insertEndpoint,
  listEndpoints,
  updateEndpoint,
} from "../../../webhooks/store/endpoints.js";
import { addDeliveries, insertEvents } from "../../../webhooks/store/events.js";
import { ApiError, badRequest, errorResponses } from "../http/errors.js";
import { jsonBody, jsonResponse } from "../http/openapi.js";
import { endpointBody } from "../http/webhookBodies.js";
import type { ApiApp, ApiKit } from "../kit.js";
import {
  CreatedEndpoint,
  CreateEndpointBody,
  EndpointParams,
  NoQuery,
  RotatedSecret,
  RotateSecretBody,
  UpdateEndpointBody,
  WebhookEndpoint,
} from "../schemas.js";
import { WEBHOOK_FLAVOURS, webhookRouteKit } from "./webhookRouteKit.js";

const MAX_ENDPOINTS = 20;

export function registerWebhookEndpointRoutes(app: ApiApp, kit: ApiKit): void {
  for (const flavour of WEBHOOK_FLAVOURS) register(app, webhookRouteKit(kit, flavour));
}

function register(app: ApiApp, hooks: ReturnType<typeof webhookRouteKit>): void {
  const { db, deps, route, errors } = hooks;

  app.openapi(
    createRoute({
      ...route,
      method: "post",
      path: `${hooks.prefix}/endpoints`,
      summary: "Register an endpoint; the signing secret is in the answer, once",
      request: { ...hooks.projectParams, body: jsonBody(CreateEndpointBody) },
      responses: {
        201: jsonResponse("Created", CreatedEndpoint),
        ...errorResponses(400, 401, 403, 409, 429, 503),
      },
    }),
    async (c) => {
      const { projectId } = hooks.caller(c);
      const body = c.req.valid("json");
      const key = hooks.sealingKey();
      const url = await hooks.destination(body.url);
      if ((await countEndpoints(db, projectId)) >= MAX_ENDPOINTS) {
        throw new ApiError(409, "too_many_endpoints", `A project has at most ${MAX_ENDPOINTS} endpoints`);
      }
      await hooks.settingsOf(projectId);
      const id = `ep_${randomBytes(9).toString("base64url")}`;
      const secret = newSigningSecret();
      const row = await insertEndpoint(db, {
        id,
        projectId,
        url,
        eventTypes: [...new Set(body.eventTypes ?? [])],
        description: body.description || null,
        rateLimitPerSecond: body.rateLimitPerSecond ?? DEFAULT_ENDPOINT_RATE_LIMIT,
        secretCiphertext: sealSecret(key, id, secret),
      });
      await hooks.audit(c, "webhook_endpoint.create", id, { eventTypes: row.event_types });
      return c.json({ endpoint: endpointBody(row, deps.now()), secret }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "get",
      path: `${hooks.prefix}/endpoints`,
      summary: "The project's endpoints (never their secrets)",
      request: { ...hooks.projectParams, query: NoQuery },
      responses: {
        200: jsonResponse("Endpoints, oldest first", z.object({ data: z.array(WebhookEndpoint) })),
        ...errors,
      },
    }),
    async (c) => {
      const rows = await listEndpoints(db, hooks.caller(c).projectId);
      const now = deps.now();
      return c.json({ data: rows.map((r) => endpointBody(r, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "get",
      path: `${hooks.prefix}/endpoints/{endpointId}`,
      summary: "One endpoint, with the reason it was disabled if it was",
      request: { params: hooks.params(EndpointParams), query: NoQuery },
      responses: { 200: jsonResponse("The endpoint", WebhookEndpoint), ...errors },
    }),
    async (c) => {
      const row = await hooks.endpointOf(hooks.caller(c).projectId, c.req.valid("param").endpointId);
      return c.json(endpointBody(row, deps.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "patch",
      path: `${hooks.prefix}/endpoints/{endpointId}`,
      summary: "Change an endpoint, or re-enable it after it was disabled",
      request: { params: hooks.params(EndpointParams), body: jsonBody(UpdateEndpointBody) },
      responses: { 200: jsonResponse("The endpoint", WebhookEndpoint), ...errors },
    }),
    async (c) => {
      const { endpointId } = c.req.valid("param");
      const body = c.req.valid("json");
      await hooks.endpointOf(hooks.caller(c).projectId, endpointId);
      const changes: EndpointChanges = { updated_at: deps.now() };
      if (body.url !== undefined) changes.url = await hooks.destination(body.url);
      if (body.eventTypes !== undefined) changes.event_types = [...new Set(body.eventTypes)];
      if (body.description !== undefined) changes.description = body.description || null;
      if (body.rateLimitPerSecond !== undefined) changes.rate_limit_per_second = body.rateLimitPerSecond;
      if (body.enabled !== undefined) {
        changes.enabled = body.enabled;
        changes.disabled_at = body.enabled ? null : deps.now();
        changes.disabled_reason = body.enabled ? null : "Disabled through the API";
      }
      const row = await updateEndpoint(db, endpointId, changes);
      await hooks.audit(c, "webhook_endpoint.update", endpointId, { fields: Object.keys(body) });
      if (body.enabled) await hooks.wake();
      return c.json(endpointBody(row, deps.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "delete",
      path: `${hooks.prefix}/endpoints/{endpointId}`,
      summary: "Delete an endpoint: nothing more is sent to it",
      request: { params: hooks.params(EndpointParams), query: NoQuery },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      const { endpointId } = c.req.valid("param");
      await hooks.endpointOf(hooks.caller(c).projectId, endpointId);
      await updateEndpoint(db, endpointId, { deleted_at: deps.now(), enabled: false, updated_at: deps.now() });
      await hooks.audit(c, "webhook_endpoint.delete", endpointId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "post",
      path: `${hooks.prefix}/endpoints/{endpointId}/rotate-secret`,
      summary: "New signing secret; the old one also signs for the grace period",
      request: { params: hooks.params(EndpointParams), body: jsonBody(RotateSecretBody, false) },
      responses: {
        200: jsonResponse("The new secret, shown once", RotatedSecret),
        ...errors,
        ...errorResponses(503),
      },
    }),
    async (c) => {
      const { endpointId } = c.req.valid("param");
      // The body is optional, so it is validated here rather than by the route (which requires one).
      const parsed = RotateSecretBody.safeParse(await c.req.json().catch(() => ({})));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(issue?.path.join(".") || "body", issue?.message ?? "is invalid");
      }
      const { graceSeconds } = parsed.data;
      const key = hooks.sealingKey();
      const current = await hooks.endpointOf(hooks.caller(c).projectId, endpointId);
      const secret = newSigningSecret();
      const expiresAt = new Date(deps.now().getTime() + graceSeconds * 1000);
      await updateEndpoint(db, endpointId, {
        secret_ciphertext: sealSecret(key, endpointId, secret),
        previous_secret_ciphertext: graceSeconds > 0 ? current.secret_ciphertext : null,
        previous_secret_expires_at: graceSeconds > 0 ? expiresAt : null,
        updated_at: deps.now(),
      });
      await hooks.audit(c, "webhook_endpoint.rotate_secret", endpointId, { graceSeconds });
      return c.json({ secret, previousSecretExpiresAt: expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "post",
      path: `${hooks.prefix}/endpoints/{endpointId}/test`,
      summary: "Send a webhook.test event to this endpoint",
      request: { params: hooks.params(EndpointParams), query: NoQuery },
      responses: {
        202: jsonResponse("Queued", z.object({ eventId: z.string(), deliveryId: z.string() })),
        ...errors,
      },
    }),
    async (c) => {
      const { projectId, requestId } = hooks.caller(c);
      const { endpointId } = c.req.valid("param");
      await hooks.endpointOf(projectId, endpointId);
      const event = webhookTestEvent({ endpointId, requestId, projectId, chainId: deps.config.chainId });
      const [deliveryId] = await db.transaction().execute(async (trx) => {
        await insertEvents(trx, [event]);
        return addDeliveries(trx, [{ eventId: event.id, endpointId, projectId: projectId.toString() }]);
      });
      await hooks.wake();
      return c.json({ eventId: event.id, deliveryId: deliveryId as string }, 202);
    },
  );
}
