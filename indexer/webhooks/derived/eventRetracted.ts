/**
 * `event.retracted`: derived from a reorg. A live event whose outbox row disappeared was never
 * final; endpoints that may have received it (an attempt was made) are told, once per event.
 */
import type { OrphanedEvent } from "../store/events.js";
import { timeBasedEvent } from "./derivedEvent.js";

export function eventRetractedEvent(orphan: OrphanedEvent) {
  return timeBasedEvent({
    sourceId: `retract:${orphan.source_id}`,
    type: "event.retracted",
    projectIds: orphan.project_ids,
    chainId: orphan.chain_id,
    data: {
      retractedId: orphan.id,
      retractedType: orphan.type,
      block: { number: orphan.block_number, hash: orphan.block_hash as `0x${string}` },
    },
  });
}
