/** How a derived event becomes a `webhook_events` row, typed by the catalogue. */
import type { DerivedEventType, EventData } from "../catalogue.js";
import { eventIdFor } from "../envelope.js";
import type { EventRow } from "../store/events.js";

/**
 * An event derived from a chain event: same block and outbox row (so a reorg retracts both), its
 * own source id (`<source>:<type>`), hence its own stable event id.
 */
export function derivedFrom<T extends DerivedEventType>(chainEvent: EventRow, type: T, data: EventData<T>): EventRow {
  const sourceId = `${chainEvent.source_id}:${type}`;
  return { ...chainEvent, id: eventIdFor(sourceId), source_id: sourceId, type, data };
}

/** An event of no block (time, a reorg, a request): final at once; `at` is its time when it has one. */
export function timeBasedEvent<T extends DerivedEventType>(event: {
  sourceId: string;
  type: T;
  projectIds: string[];
  chainId: number;
  data: EventData<T>;
  /** Unix seconds the envelope's `createdAt` shows; default the row's creation. */
  at?: string;
}): EventRow {
  return {
    id: eventIdFor(event.sourceId),
    source_id: event.sourceId,
    outbox_id: null,
    type: event.type,
    project_ids: event.projectIds,
    chain_id: event.chainId,
    block_number: null,
    block_hash: null,
    block_timestamp: event.at ?? null,
    transaction_hash: null,
    log_index: null,
    data: event.data,
    state: "final",
  };
}
