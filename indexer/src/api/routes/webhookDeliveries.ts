/**
 * The delivery log and replays (API key with the `webhooks:manage` scope): list and read
 * deliveries with every attempt, send one again, or send every event of a time range again.
 * A delivery of another project is a 404.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  attemptsOf,
  findDelivery,
  listDeliveries,
  replayDelivery,
  replayRange,
} from "../../../webhooks/store/deliveries.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { ApiError, badRequest, errorResponses, notFound } from "../http/errors.js";
import { jsonBody, jsonResponse } from "../http/openapi.js";
import { attemptBody, deliveryBody } from "../http/webhookBodies.js";
import type { ApiApp, ApiKit } from "../kit.js";
import {
  DeliveriesQuery,
  DeliveryParams,
  NoQuery,
  ReplayRangeBody,
  WebhookDelivery,
  WebhookDeliveryDetail,
} from "../schemas.js";
import { WEBHOOK_FLAVOURS, webhookRouteKit } from "./webhookRouteKit.js";

/** A replay covers at most this long. */
const MAX_REPLAY_SECONDS = 31 * 24 * 3600;

export function registerWebhookDeliveryRoutes(app: ApiApp, kit: ApiKit): void {
  for (const flavour of WEBHOOK_FLAVOURS) register(app, webhookRouteKit(kit, flavour));
}

function register(app: ApiApp, hooks: ReturnType<typeof webhookRouteKit>): void {
  const { db, deps, route, errors } = hooks;

  const deliveryOf = async (projectId: bigint, deliveryId: string) => {
    const row = await findDelivery(db, projectId, deliveryId);
    if (!row) throw notFound("No such delivery in this project");
    return row;
  };

  app.openapi(
    createRoute({
      ...route,
      method: "get",
      path: `${hooks.prefix}/deliveries`,
      summary: "The delivery log, newest first",
      request: { ...hooks.projectParams, query: DeliveriesQuery },
      responses: {
        200: jsonResponse(
          "Deliveries",
          z.object({ data: z.array(WebhookDelivery), nextCursor: z.string().nullable() }),
        ),
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const [at, id] = query.cursor
        ? (decodeCursor(query.cursor, [/^\d{1,16}$/, /^dlv_[0-9a-f]{24}$/]) as [string, string])
        : [];
      const rows = await listDeliveries(db, hooks.caller(c).projectId, {
        endpointId: query.endpointId,
        status: query.status,
        before: at && id ? { createdAt: new Date(Number(at) / 1000), id } : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      // Microseconds: created_at is timestamptz, and rows made in one statement share a millisecond.
      const nextCursor =
        rows.length > query.limit && last
          ? encodeCursor([Math.round(new Date(last.created_at).getTime() * 1000), last.id])
          : null;
      return c.json({ data: page.map(deliveryBody), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "get",
      path: `${hooks.prefix}/deliveries/{deliveryId}`,
      summary: "One delivery with every attempt: status code, latency, error",
      request: { params: hooks.params(DeliveryParams), query: NoQuery },
      responses: { 200: jsonResponse("The delivery", WebhookDeliveryDetail), ...errors },
    }),
    async (c) => {
      const { deliveryId } = c.req.valid("param");
      const row = await deliveryOf(hooks.caller(c).projectId, deliveryId);
      const attempts = await attemptsOf(db, deliveryId);
      return c.json({ ...deliveryBody(row), log: attempts.map(attemptBody) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "post",
      path: `${hooks.prefix}/deliveries/{deliveryId}/replay`,
      summary: "Send a delivery again now (same webhook-id), with a fresh retry schedule",
      request: { params: hooks.params(DeliveryParams), query: NoQuery },
      responses: {
        202: jsonResponse("Queued", z.object({ deliveryId: z.string() })),
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { deliveryId } = c.req.valid("param");
      const row = await deliveryOf(hooks.caller(c).projectId, deliveryId);
      if (row.status === "held" || row.status === "cancelled") {
        throw new ApiError(409, "not_replayable", `A ${row.status} delivery cannot be replayed`);
      }
      await replayDelivery(db, deliveryId, deps.now());
      await hooks.audit(c, "webhook_delivery.replay", deliveryId);
      await hooks.wake();
      return c.json({ deliveryId }, 202);
    },
  );

  app.openapi(
    createRoute({
      ...route,
      method: "post",
      path: `${hooks.prefix}/replay`,
      summary: "Send every event of a time range (event time) to an endpoint again, same webhook-ids",
      request: { ...hooks.projectParams, body: jsonBody(ReplayRangeBody) },
      responses: { 202: jsonResponse("Queued", z.object({ replayed: z.number().int() })), ...errors },
    }),
    async (c) => {
      const { projectId } = hooks.caller(c);
      const body = c.req.valid("json");
      const endpoint = await hooks.endpointOf(projectId, body.endpointId);
      const since = Math.floor(Date.parse(body.since) / 1000);
      const until = Math.floor(Date.parse(body.until) / 1000);
      if (until - since > MAX_REPLAY_SECONDS) throw badRequest("until", "a replay covers at most 31 days");
      const replayed = await replayRange(db, projectId, endpoint, { since, until });
      await hooks.audit(c, "webhook_delivery.replay_range", endpoint.id, {
        since: body.since,
        until: body.until,
        replayed,
      });
      await hooks.wake();
      return c.json({ replayed }, 202);
    },
  );
}
