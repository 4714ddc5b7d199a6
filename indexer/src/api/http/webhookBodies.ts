/** Turns the webhook store's rows into response bodies (ISO times, the API's names). */
import type { z } from "@hono/zod-openapi";
import type { AttemptRow, DeliveryRow } from "../../../webhooks/store/deliveries.js";
import type { EndpointRow, SettingsRow } from "../../../webhooks/store/endpoints.js";
import type * as S from "../schemas.js";

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

export function endpointBody(row: EndpointRow, now: Date): z.infer<typeof S.WebhookEndpoint> {
  const until = row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    rateLimitPerSecond: row.rate_limit_per_second,
    enabled: row.enabled,
    disabledAt: isoOrNull(row.disabled_at),
    disabledReason: row.disabled_reason,
    secretRotatedUntil: until && until > now ? until.toISOString() : null,
    createdAt: iso(row.created_at),
  };
}

export function settingsBody(row: SettingsRow): z.infer<typeof S.WebhookSettings> {
  return {
    confirmations: row.confirmations === null ? "finalized" : row.confirmations,
    budgetLowThreshold: String(row.budget_low_threshold),
  };
}

export function deliveryBody(row: DeliveryRow): z.infer<typeof S.WebhookDelivery> {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    createdAt: iso(row.created_at),
    deliveredAt: isoOrNull(row.delivered_at),
  };
}

export function attemptBody(row: AttemptRow): z.infer<typeof S.WebhookAttempt> {
  return {
    attempt: row.attempt,
    at: iso(row.at),
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    error: row.error,
  };
}
