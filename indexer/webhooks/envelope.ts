/**
 * Event ids and the version-1 envelope every delivery carries, built from the stored event
 * (a `webhook_events` row as the worker reads it). The SDK (sdk/) reads this envelope.
 */
import { createHash } from "node:crypto";
import type { StoredEvent } from "./store/events.js";

export const ENVELOPE_VERSION = 1;

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
  const seconds = event.block_timestamp ?? String(Math.floor(event.created_at.getTime() / 1000));
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: ENVELOPE_VERSION,
    projectId,
    chainId: event.chain_id,
    createdAt: new Date(Number(seconds) * 1000).toISOString(),
    block:
      event.block_number === null
        ? null
        : {
            number: event.block_number,
            hash: event.block_hash,
            timestamp: event.block_timestamp,
            finalized,
          },
    transactionHash: event.transaction_hash,
    logIndex: event.log_index,
    data: event.data,
  });
}
