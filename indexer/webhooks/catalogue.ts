/**
 * The webhook event catalogue: every event type and the `data` each carries. The payload types
 * have one source, the SDK's `WebhookEventDataMap` (sdk/src/events.ts), which integrators code
 * against; the handlers, the worker and the API type their events with it through this module.
 *
 * Two kinds of events: those a Ponder handler writes to the outbox from a chain event, and those
 * the worker derives itself (webhooks/derived/), which no handler may write.
 */
import type { WebhookEventDataMap, WebhookEventType } from "@onekey/sdk";

export { WEBHOOK_EVENT_TYPES, type WebhookEventDataMap, type WebhookEventType } from "@onekey/sdk";

/** Events the worker derives (webhooks/derived/): from outbox rows, from time, or on request. */
export const DERIVED_EVENT_TYPES = [
  "attestation.expired",
  "budget.low",
  "event.retracted",
  "webhook.test",
  "security.alert",
] as const;
export type DerivedEventType = (typeof DERIVED_EVENT_TYPES)[number];

/** Events a Ponder handler writes to the outbox. */
export type OutboxEventType = Exclude<WebhookEventType, DerivedEventType>;

/**
 * A payload field as a handler may pass it: hex stays hex; a decimal-string field also takes a
 * bigint (writeOutbox turns bigints into decimal strings); arrays may be readonly (viem's are).
 */
type OutboxValue<T> = T extends `0x${string}`
  ? T
  : T extends string
    ? string | bigint
    : T extends readonly (infer U)[]
      ? readonly OutboxValue<U>[]
      : T;

/** The payload a handler writes for event type `T`: exactly the catalogue's fields, no others. */
export type OutboxPayload<T extends OutboxEventType> = T extends OutboxEventType
  ? { [K in keyof WebhookEventDataMap[T]]: OutboxValue<WebhookEventDataMap[T][K]> }
  : never;

/** The data of event type `T`, as it is stored and sent. */
export type EventData<T extends WebhookEventType> = WebhookEventDataMap[T];
