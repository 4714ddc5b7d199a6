import type { Context } from "ponder:registry";
import { outbox } from "ponder:schema";
import type { Hex } from "viem";
import type { OutboxEventType, OutboxPayload } from "../../webhooks/catalogue.js";
import { outboxData } from "../../webhooks/outboxData.js";

/** What every handler knows about the log it handles. */
export interface LogRef {
  block: { number: bigint; hash: Hex; timestamp: bigint };
  transaction: { hash: Hex };
  log: { logIndex: number };
}

/** `chainId:blockHash:logIndex`: stable across handler re-runs, new after a reorg. */
export function outboxId(chainId: number, event: LogRef): string {
  return `${chainId}:${event.block.hash}:${event.log.logIndex}`;
}

/** One outbox entry: an event type of the catalogue and exactly the payload it describes. */
export interface OutboxEntry<T extends OutboxEventType> {
  type: T;
  projectIds: readonly bigint[];
  subject?: Hex;
  payload: OutboxPayload<T>;
}

/**
 * Records a tenant-relevant event for the webhook worker. Events that concern no project (an
 * attestation of a subject who consents to none) are not written: nobody would receive them.
 */
export async function writeOutbox<T extends OutboxEventType>(
  context: Context,
  event: LogRef,
  entry: OutboxEntry<T>,
): Promise<void> {
  if (entry.projectIds.length === 0) return;
  await context.db
    .insert(outbox)
    .values({
      id: outboxId(context.chain.id, event),
      chainId: context.chain.id,
      blockNumber: event.block.number,
      blockHash: event.block.hash,
      blockTimestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
      logIndex: event.log.logIndex,
      type: entry.type,
      projectIds: [...entry.projectIds],
      subject: entry.subject,
      payload: outboxData(entry.payload),
    })
    .onConflictDoNothing();
}
