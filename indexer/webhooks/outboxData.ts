/**
 * An outbox payload as JSON: bigints become decimal strings, as the catalogue's types say. Ponder's
 * handlers run this, so it imports types only (nothing of the SDK or the worker is loaded there).
 */
import type { EventData, OutboxEventType, OutboxPayload } from "./catalogue.js";

export function outboxData<T extends OutboxEventType>(payload: OutboxPayload<T>): EventData<T> {
  return jsonSafe(payload) as EventData<T>;
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
