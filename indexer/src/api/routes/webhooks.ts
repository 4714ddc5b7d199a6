/**
 * Webhook management (API key with the `webhooks:manage` scope): endpoints, secret rotation,
 * the project's delivery settings, the delivery log and replays. As everywhere in the tenant API
 * the project is the key's: an endpoint or delivery of another project is a 404.
 */
import { randomBytes } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type Selectable, sql } from "kysely";
import { checkDestination, DestinationError } from "../../webhooks/destinations.js";
import { eventIdFor } from "../../webhooks/events.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD, DEFAULT_ENDPOINT_RATE_LIMIT, wakeChannel } from "../../webhooks/policy.js";
import { newSigningSecret, sealSecret } from "../../webhooks/secrets.js";
import type { ApiApp, ApiEnv, ApiKit } from "../app.js";
import { writeAudit } from "../audit.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { ApiError, badRequest, errorResponses, notFound } from "../http/errors.js";
import {
  CreatedEndpoint,
  CreateEndpointBody,
  DeliveriesQuery,
  DeliveryParams,
  EndpointParams,
  NoQuery,
  ReplayRangeBody,
  RotatedSecret,
  RotateSecretBody,
  UpdateEndpointBody,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookSettings,
  WebhookSettingsBody,
} from "../schemas.js";
import type { ApiDatabase } from "../store/types.js";

const TAG = ["Webhooks"];
const security = [{ apiKey: [] }];
const MAX_ENDPOINTS = 20;

type EndpointRow = Selectable<ApiDatabase["webhook_endpoints"]>;
type DeliveryRow = Selectable<ApiDatabase["webhook_deliveries"]> & { event_type: string };

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function endpointBody(row: EndpointRow, now: Date) {
  const until = row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    rateLimitPerSecond: row.rate_limit_per_second,
    enabled: row.enabled,
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    secretRotatedUntil: until && until > now ? until.toISOString() : null,
    createdAt: iso(row.created_at) as string,
  };
}

function settingsBody(row: Selectable<ApiDatabase["webhook_settings"]>) {
  return {
    confirmations: row.confirmations === null ? ("finalized" as const) : row.confirmations,
    budgetLowThreshold: String(row.budget_low_threshold),
  };
}

function deliveryBody(row: DeliveryRow) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: iso(row.created_at) as string,
    deliveredAt: iso(row.delivered_at),
  };
}

export function registerWebhookRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  const db = deps.store;
  const settings = deps.config.webhooks;
  const middleware = [kit.requireApiKey("webhooks:manage")];
  const errors = errorResponses(400, 401, 403, 404, 429);

  const context = (c: Context<ApiEnv>) => {
    const key = c.get("apiKey");
    if (!key) throw new ApiError(401, "credentials_missing", "API key required");
    return { projectId: key.projectId, actor: key.keyId, requestId: c.get("requestId") };
  };
  const sealingKey = () => {
    if (!settings.encryptionKey) {
      throw new ApiError(503, "webhooks_unavailable", "Webhooks are not configured on this deployment");
    }
    return settings.encryptionKey;
  };
  const destination = async (url: string) => {
    try {
      return (await checkDestination(url, settings.mode)).toString();
    } catch (error) {
      if (error instanceof DestinationError) throw badRequest("url", error.message);
      throw error;
    }
  };
  const endpointOf = async (projectId: bigint, endpointId: string) => {
    const row = await db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", endpointId)
      .where("project_id", "=", projectId.toString())
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!row) throw notFound("No such endpoint in this project");
    return row;
  };
  const wake = async () => {
    // Workers LISTEN on this; without PostgreSQL there is no worker to wake.
    await sql`select pg_notify(${wakeChannel(settings.schema)}, '')`.execute(db).catch(() => undefined);
  };
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail: Record<string, unknown> = {}) => {
    const { projectId, actor, requestId } = context(c);
    return writeAudit(db, { actor, projectId, action, target, result: "ok", detail, requestId });
  };
  /** The project's settings row, created with the deployment's defaults on first use. */
  const ensureSettings = async (projectId: bigint) => {
    await db
      .insertInto("webhook_settings")
      .values({
        project_id: projectId.toString(),
        confirmations: settings.defaultConfirmations,
        budget_low_threshold: DEFAULT_BUDGET_LOW_THRESHOLD.toString(),
      })
      .onConflict((oc) => oc.column("project_id").doNothing())
      .execute();
    return db
      .selectFrom("webhook_settings")
      .selectAll()
      .where("project_id", "=", projectId.toString())
      .executeTakeFirstOrThrow();
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/endpoints",
      tags: TAG,
      summary: "Register an endpoint; the signing secret is in the answer, once",
      security,
      middleware,
      request: { body: { content: { "application/json": { schema: CreateEndpointBody } }, required: true } },
      responses: {
        201: { description: "Created", content: { "application/json": { schema: CreatedEndpoint } } },
        ...errorResponses(400, 401, 403, 409, 429),
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const body = c.req.valid("json");
      const key = sealingKey();
      const url = await destination(body.url);
      const count = await db
        .selectFrom("webhook_endpoints")
        .select(db.fn.countAll<string>().as("n"))
        .where("project_id", "=", projectId.toString())
        .where("deleted_at", "is", null)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_ENDPOINTS) {
        throw new ApiError(409, "too_many_endpoints", `A project has at most ${MAX_ENDPOINTS} endpoints`);
      }
      await ensureSettings(projectId);
      const id = `ep_${randomBytes(9).toString("base64url")}`;
      const secret = newSigningSecret();
      const row = await db
        .insertInto("webhook_endpoints")
        .values({
          id,
          project_id: projectId.toString(),
          url,
          event_types: [...new Set(body.eventTypes ?? [])],
          description: body.description || null,
          rate_limit_per_second: body.rateLimitPerSecond ?? DEFAULT_ENDPOINT_RATE_LIMIT,
          secret_ciphertext: sealSecret(key, id, secret),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(c, "webhook_endpoint.create", id, { eventTypes: row.event_types });
      return c.json({ endpoint: endpointBody(row, deps.now()), secret }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhooks/endpoints",
      tags: TAG,
      summary: "The project's endpoints (never their secrets)",
      security,
      middleware,
      request: { query: NoQuery },
      responses: {
        200: {
          description: "Endpoints, oldest first",
          content: { "application/json": { schema: z.object({ data: z.array(WebhookEndpoint) }) } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const rows = await db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("project_id", "=", projectId.toString())
        .where("deleted_at", "is", null)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      const now = deps.now();
      return c.json({ data: rows.map((r) => endpointBody(r, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhooks/endpoints/{endpointId}",
      tags: TAG,
      summary: "One endpoint, with the reason it was disabled if it was",
      security,
      middleware,
      request: { params: EndpointParams, query: NoQuery },
      responses: {
        200: { description: "The endpoint", content: { "application/json": { schema: WebhookEndpoint } } },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const row = await endpointOf(projectId, c.req.valid("param").endpointId);
      return c.json(endpointBody(row, deps.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/webhooks/endpoints/{endpointId}",
      tags: TAG,
      summary: "Change an endpoint, or re-enable it after it was disabled",
      security,
      middleware,
      request: {
        params: EndpointParams,
        body: { content: { "application/json": { schema: UpdateEndpointBody } }, required: true },
      },
      responses: {
        200: { description: "The endpoint", content: { "application/json": { schema: WebhookEndpoint } } },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const { endpointId } = c.req.valid("param");
      const body = c.req.valid("json");
      await endpointOf(projectId, endpointId);
      const changes: Partial<Record<keyof EndpointRow, unknown>> = { updated_at: deps.now() };
      if (body.url !== undefined) changes.url = await destination(body.url);
      if (body.eventTypes !== undefined) changes.event_types = [...new Set(body.eventTypes)];
      if (body.description !== undefined) changes.description = body.description || null;
      if (body.rateLimitPerSecond !== undefined) changes.rate_limit_per_second = body.rateLimitPerSecond;
      if (body.enabled !== undefined) {
        changes.enabled = body.enabled;
        changes.disabled_at = body.enabled ? null : deps.now();
        changes.disabled_reason = body.enabled ? null : "Disabled through the API";
      }
      const row = await db
        .updateTable("webhook_endpoints")
        .set(changes as never)
        .where("id", "=", endpointId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(c, "webhook_endpoint.update", endpointId, { fields: Object.keys(body) });
      if (body.enabled) await wake();
      return c.json(endpointBody(row, deps.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/webhooks/endpoints/{endpointId}",
      tags: TAG,
      summary: "Delete an endpoint: nothing more is sent to it",
      security,
      middleware,
      request: { params: EndpointParams, query: NoQuery },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      const { projectId } = context(c);
      const { endpointId } = c.req.valid("param");
      await endpointOf(projectId, endpointId);
      await db
        .updateTable("webhook_endpoints")
        .set({ deleted_at: deps.now(), enabled: false, updated_at: deps.now() })
        .where("id", "=", endpointId)
        .execute();
      await audit(c, "webhook_endpoint.delete", endpointId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/endpoints/{endpointId}/rotate-secret",
      tags: TAG,
      summary: "New signing secret; the old one also signs for the grace period",
      security,
      middleware,
      request: {
        params: EndpointParams,
        body: { content: { "application/json": { schema: RotateSecretBody } }, required: false },
      },
      responses: {
        200: { description: "The new secret, shown once", content: { "application/json": { schema: RotatedSecret } } },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const { endpointId } = c.req.valid("param");
      // The body is optional, so it is validated here rather than by the route (which requires one).
      const parsed = RotateSecretBody.safeParse(await c.req.json().catch(() => ({})));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(issue?.path.join(".") || "body", issue?.message ?? "is invalid");
      }
      const { graceSeconds } = parsed.data;
      const key = sealingKey();
      const current = await endpointOf(projectId, endpointId);
      const secret = newSigningSecret();
      const expiresAt = new Date(deps.now().getTime() + graceSeconds * 1000);
      await db
        .updateTable("webhook_endpoints")
        .set({
          secret_ciphertext: sealSecret(key, endpointId, secret),
          previous_secret_ciphertext: graceSeconds > 0 ? current.secret_ciphertext : null,
          previous_secret_expires_at: graceSeconds > 0 ? expiresAt : null,
          updated_at: deps.now(),
        })
        .where("id", "=", endpointId)
        .execute();
      await audit(c, "webhook_endpoint.rotate_secret", endpointId, { graceSeconds });
      return c.json({ secret, previousSecretExpiresAt: expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/endpoints/{endpointId}/test",
      tags: TAG,
      summary: "Send a webhook.test event to this endpoint",
      security,
      middleware,
      request: { params: EndpointParams, query: NoQuery },
      responses: {
        202: {
          description: "Queued",
          content: { "application/json": { schema: z.object({ eventId: z.string(), deliveryId: z.string() }) } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId, requestId } = context(c);
      const { endpointId } = c.req.valid("param");
      await endpointOf(projectId, endpointId);
      const sourceId = `test:${endpointId}:${requestId}`;
      const eventId = eventIdFor(sourceId);
      const deliveryId = `dlv_${randomBytes(12).toString("hex")}`;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("webhook_events")
          .values({
            id: eventId,
            source_id: sourceId,
            outbox_id: null,
            type: "webhook.test",
            project_ids: [projectId.toString()],
            chain_id: deps.config.chainId,
            data: JSON.stringify({ message: "A test event from OneKey" }),
            state: "final",
          })
          .execute();
        await trx
          .insertInto("webhook_deliveries")
          .values({
            id: deliveryId,
            event_id: eventId,
            endpoint_id: endpointId,
            project_id: projectId.toString(),
            status: "pending",
            next_attempt_at: deps.now(),
          })
          .execute();
      });
      await wake();
      return c.json({ eventId, deliveryId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhooks/settings",
      tags: TAG,
      summary: "The project's confirmation policy and budget.low threshold",
      security,
      middleware,
      request: { query: NoQuery },
      responses: {
        200: { description: "Settings", content: { "application/json": { schema: WebhookSettings } } },
        ...errors,
      },
    }),
    async (c) => {
      const row = await ensureSettings(context(c).projectId);
      return c.json(settingsBody(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/webhooks/settings",
      tags: TAG,
      summary: "Set the confirmation policy (applies to events indexed from now on) and the budget.low threshold",
      security,
      middleware,
      request: { body: { content: { "application/json": { schema: WebhookSettingsBody } }, required: true } },
      responses: {
        200: { description: "Settings", content: { "application/json": { schema: WebhookSettings } } },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const body = c.req.valid("json");
      await ensureSettings(projectId);
      const changes: { confirmations?: number | null; budget_low_threshold?: string; updated_at: Date } = {
        updated_at: deps.now(),
      };
      if (body.confirmations !== undefined) {
        changes.confirmations = body.confirmations === "finalized" ? null : body.confirmations;
      }
      if (body.budgetLowThreshold !== undefined) changes.budget_low_threshold = body.budgetLowThreshold;
      const row = await db
        .updateTable("webhook_settings")
        .set(changes)
        .where("project_id", "=", projectId.toString())
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(c, "webhook_settings.update", projectId.toString(), { fields: Object.keys(body) });
      return c.json(settingsBody(row), 200);
    },
  );

  const deliveries = (projectId: bigint) =>
    db
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_events as e", "e.id", "d.event_id")
      .selectAll("d")
      .select("e.type as event_type")
      .where("d.project_id", "=", projectId.toString());

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhooks/deliveries",
      tags: TAG,
      summary: "The delivery log, newest first",
      security,
      middleware,
      request: { query: DeliveriesQuery },
      responses: {
        200: {
          description: "Deliveries",
          content: {
            "application/json": {
              schema: z.object({ data: z.array(WebhookDelivery), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const query = c.req.valid("query");
      let q = deliveries(projectId);
      if (query.endpointId) q = q.where("d.endpoint_id", "=", query.endpointId);
      if (query.status) q = q.where("d.status", "=", query.status);
      if (query.cursor) {
        const [at, id] = decodeCursor(query.cursor, [/^\d{1,16}$/, /^dlv_[0-9a-f]{24}$/]) as [string, string];
        const time = new Date(Number(at) / 1000);
        q = q.where((eb) =>
          eb.or([eb("d.created_at", "<", time), eb.and([eb("d.created_at", "=", time), eb("d.id", "<", id)])]),
        );
      }
      const rows = (await q
        .orderBy("d.created_at", "desc")
        .orderBy("d.id", "desc")
        .limit(query.limit + 1)
        .execute()) as DeliveryRow[];
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
      method: "get",
      path: "/v1/webhooks/deliveries/{deliveryId}",
      tags: TAG,
      summary: "One delivery with every attempt: status code, latency, error",
      security,
      middleware,
      request: { params: DeliveryParams, query: NoQuery },
      responses: {
        200: { description: "The delivery", content: { "application/json": { schema: WebhookDeliveryDetail } } },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const { deliveryId } = c.req.valid("param");
      const row = (await deliveries(projectId).where("d.id", "=", deliveryId).executeTakeFirst()) as
        | DeliveryRow
        | undefined;
      if (!row) throw notFound("No such delivery in this project");
      const attempts = await db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where("delivery_id", "=", deliveryId)
        .orderBy("id")
        .execute();
      return c.json(
        {
          ...deliveryBody(row),
          log: attempts.map((a) => ({
            attempt: a.attempt,
            at: iso(a.at) as string,
            statusCode: a.status_code,
            latencyMs: a.latency_ms,
            error: a.error,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/deliveries/{deliveryId}/replay",
      tags: TAG,
      summary: "Send a delivery again now (same webhook-id), with a fresh retry schedule",
      security,
      middleware,
      request: { params: DeliveryParams, query: NoQuery },
      responses: {
        202: {
          description: "Queued",
          content: { "application/json": { schema: z.object({ deliveryId: z.string() }) } },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const { deliveryId } = c.req.valid("param");
      const row = (await deliveries(projectId).where("d.id", "=", deliveryId).executeTakeFirst()) as
        | DeliveryRow
        | undefined;
      if (!row) throw notFound("No such delivery in this project");
      if (row.status === "held" || row.status === "cancelled") {
        throw new ApiError(409, "not_replayable", `A ${row.status} delivery cannot be replayed`);
      }
      await db
        .updateTable("webhook_deliveries")
        .set({ status: "pending", attempts: 0, next_attempt_at: deps.now() })
        .where("id", "=", deliveryId)
        .where("status", "not in", ["held", "cancelled", "delivering"])
        .execute();
      await audit(c, "webhook_delivery.replay", deliveryId);
      await wake();
      return c.json({ deliveryId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/replay",
      tags: TAG,
      summary: "Send every event of a time range (event time) to an endpoint again, same webhook-ids",
      security,
      middleware,
      request: { body: { content: { "application/json": { schema: ReplayRangeBody } }, required: true } },
      responses: {
        202: {
          description: "Queued",
          content: { "application/json": { schema: z.object({ replayed: z.number().int() }) } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { projectId } = context(c);
      const body = c.req.valid("json");
      const endpoint = await endpointOf(projectId, body.endpointId);
      const since = Math.floor(Date.parse(body.since) / 1000);
      const until = Math.floor(Date.parse(body.until) / 1000);
      if (until - since > 31 * 24 * 3600) throw badRequest("until", "a replay covers at most 31 days");
      // Final or live events of this project in the range that the endpoint subscribes to; events
      // still waiting for confirmations are left to the normal path.
      const result = await sql<{ n: string }>`
        WITH picked AS (
          SELECT e.id FROM webhook_events e
           WHERE ${projectId.toString()}::bigint = ANY (e.project_ids) AND e.state <> 'retracted'
             AND e.type NOT IN ('webhook.test', 'event.retracted')
             AND coalesce(e.block_timestamp, extract(epoch FROM e.created_at)::bigint) BETWEEN ${since} AND ${until}
             AND (cardinality(${endpoint.event_types}::text[]) = 0 OR e.type = ANY (${endpoint.event_types}::text[]))
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries h
                              WHERE h.event_id = e.id AND h.endpoint_id = ${endpoint.id} AND h.status IN ('held', 'delivering'))
        ), upserted AS (
          INSERT INTO webhook_deliveries (id, event_id, endpoint_id, project_id, status, next_attempt_at)
          SELECT 'dlv_' || left(md5(p.id || '/' || ${endpoint.id}), 24), p.id, ${endpoint.id}, ${projectId.toString()}::bigint,
                 'pending', now()
            FROM picked p
          ON CONFLICT (event_id, endpoint_id) DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = now()
          RETURNING 1
        )
        SELECT count(*)::text AS n FROM upserted`.execute(db);
      const replayed = Number(result.rows[0]?.n ?? 0);
      await audit(c, "webhook_delivery.replay_range", endpoint.id, { since: body.since, until: body.until, replayed });
      await wake();
      return c.json({ replayed }, 202);
    },
  );
}
