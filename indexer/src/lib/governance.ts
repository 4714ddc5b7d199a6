import type { Context } from "ponder:registry";
import { governanceEvents } from "ponder:schema";
import { type LogRef, outboxId } from "./outbox.js";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** JSON has no bigint: ids as decimal strings; addresses lower-case, as Ponder's hex columns hold them. */
const jsonArg = (_: string, v: unknown) =>
  typeof v === "bigint" ? v.toString() : typeof v === "string" && ADDRESS.test(v) ? v.toLowerCase() : v;

/** A registry's governance event, kept as history for the chain trail (webhooks/worker/chainTrail.ts). */
export async function writeGovernanceEvent(
  context: Context,
  event: LogRef & { args: Record<string, unknown> },
  contract: "KycRegistry" | "ProjectRegistry",
  name: string,
): Promise<void> {
  await context.db
    .insert(governanceEvents)
    .values({
      id: outboxId(context.chain.id, event),
      contract,
      name,
      args: JSON.parse(JSON.stringify(event.args, jsonArg)),
      blockNumber: event.block.number,
      blockTimestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
    })
    // A re-run handler writes the same key.
    .onConflictDoNothing();
}
