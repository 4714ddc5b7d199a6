/**
 * The webhook event catalogue and the version-1 envelope every delivery carries. The worker
 * builds envelopes from its `webhook_events` rows; the SDK (sdk/) mirrors these types.
 */
import { createHash } from "node:crypto";

/** Every event type a project can subscribe to: the SDK's list is the contract integrators code against. */
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@onekey/sdk";

export const ENVELOPE_VERSION = 1;

/** The stored event a delivery sends (a `webhook_events` row, as the worker reads it). */
export interface StoredEvent {
  id: string;
  type: string;
  chainId: number;
  blockNumber: string | null;
  blockHash: string | null;
  blockTimestamp: string | null;
  transactionHash: string | null;
  logIndex: number | null;
  data: unknown;
  createdAt: Date;
}

/**
 * `evt_` + 32 hex digits of sha256(source id). The source id is the outbox id
 * (`chainId:blockHash:logIndex`, stable across restarts and re-indexing) or a synthetic key, so the
 * same event always has the same id, on every retry, replay and endpoint.
 */
export function eventIdFor(sourceId: string): string {
  return `evt_${createHash("sha256").update(sourceId).digest("hex").slice(0, 32)}`;
}

/** The JSON body of a delivery to `projectId`, with `finalized` judged at send time. */
export function envelope(event: StoredEvent, projectId: string, finalized: boolean): string {
  const seconds = event.blockTimestamp ?? String(Math.floor(event.createdAt.getTime() / 1000));
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: ENVELOPE_VERSION,
    projectId,
    chainId: event.chainId,
    createdAt: new Date(Number(seconds) * 1000).toISOString(),
    block:
      event.blockNumber === null
        ? null
        : {
            number: event.blockNumber,
            hash: event.blockHash,
            timestamp: event.blockTimestamp,
            finalized,
          },
    transactionHash: event.transactionHash,
    logIndex: event.logIndex,
    data: event.data,
  });
}
