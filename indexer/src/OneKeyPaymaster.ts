/**
 * OneKeyPaymaster events: project budgets (funding, withdrawals, spend, policy, mirrored status)
 * and the operator's own events. Registered only when the deployment book lists a paymaster.
 */

import { type Context, ponder } from "ponder:registry";
import { budgets, paymasterEvents, sponsoredOperations } from "ponder:schema";
import { oneKeyPaymasterAbi } from "@onekey/deploy";
import { writeOutbox } from "./lib/outbox.js";
import { paymasterSources } from "./lib/sources.js";

type BudgetRow = typeof budgets.$inferSelect;

/** The project's budget row, created at zero on first sight. */
async function budgetRow(context: Context, projectId: bigint, at: bigint): Promise<BudgetRow> {
  const found = await context.db.find(budgets, { projectId });
  if (found) return found;
  return context.db.insert(budgets).values({
    projectId,
    balance: 0n,
    totalFunded: 0n,
    totalWithdrawn: 0n,
    totalSpent: 0n,
    operations: 0,
    active: false,
    perUserCap: 0n,
    periodCap: 0n,
    periodSeconds: 0,
    maxOpCost: 0n,
    updatedAt: at,
  });
}

/** Events that concern a project; every other event of the ABI is the operator's. */
const TENANT_EVENTS = new Set([
  "ProjectFunded",
  "BudgetWithdrawn",
  "OperationSponsored",
  "ProjectStatusSynced",
  "SponsorshipPolicySet",
]);

if (paymasterSources) {
  ponder.on("OneKeyPaymaster:ProjectFunded", async ({ event, context }) => {
    const { projectId, funder, amount, balance } = event.args;
    const row = await budgetRow(context, projectId, event.block.timestamp);
    await context.db.update(budgets, { projectId }).set({
      balance,
      totalFunded: row.totalFunded + amount,
      updatedAt: event.block.timestamp,
    });
    await writeOutbox(context, event, {
      type: "budget.funded",
      projectIds: [projectId],
      payload: { projectId, funder, amount, balance },
    });
  });

  ponder.on("OneKeyPaymaster:BudgetWithdrawn", async ({ event, context }) => {
    const { projectId, by, to, amount, balance } = event.args;
    const row = await budgetRow(context, projectId, event.block.timestamp);
    await context.db.update(budgets, { projectId }).set({
      balance,
      totalWithdrawn: row.totalWithdrawn + amount,
      updatedAt: event.block.timestamp,
    });
    await writeOutbox(context, event, {
      type: "budget.withdrawn",
      projectIds: [projectId],
      payload: { projectId, by, to, amount, balance },
    });
  });

  ponder.on("OneKeyPaymaster:OperationSponsored", async ({ event, context }) => {
    const { projectId, sender, userOpHash, actualCost } = event.args;
    const row = await budgetRow(context, projectId, event.block.timestamp);
    // Validation reserved the maximum cost and postOp returned the rest: net, the balance fell
    // by exactly `actualCost`.
    const balance = row.balance - actualCost;
    await context.db.update(budgets, { projectId }).set({
      balance,
      totalSpent: row.totalSpent + actualCost,
      operations: row.operations + 1,
      updatedAt: event.block.timestamp,
    });
    await context.db
      .insert(sponsoredOperations)
      .values({
        userOpHash,
        projectId,
        sender,
        paymaster: event.log.address,
        actualCost,
        blockNumber: event.block.number,
        blockTimestamp: event.block.timestamp,
        transactionHash: event.transaction.hash,
        logIndex: event.log.logIndex,
      })
      .onConflictDoNothing();
    await writeOutbox(context, event, {
      type: "operation.sponsored",
      projectIds: [projectId],
      subject: sender,
      payload: { projectId, sender, userOpHash, actualCost, balance },
    });
  });

  ponder.on("OneKeyPaymaster:ProjectStatusSynced", async ({ event, context }) => {
    const { projectId, active } = event.args;
    await budgetRow(context, projectId, event.block.timestamp);
    await context.db.update(budgets, { projectId }).set({ active, updatedAt: event.block.timestamp });
  });

  ponder.on("OneKeyPaymaster:SponsorshipPolicySet", async ({ event, context }) => {
    const { projectId, by, perUserCap, periodCap, periodSeconds, maxOpCost } = event.args;
    await budgetRow(context, projectId, event.block.timestamp);
    await context.db
      .update(budgets, { projectId })
      .set({ perUserCap, periodCap, periodSeconds, maxOpCost, updatedAt: event.block.timestamp });
    await writeOutbox(context, event, {
      type: "budget.policy_set",
      projectIds: [projectId],
      payload: { projectId, by, perUserCap, periodCap, periodSeconds, maxOpCost },
    });
  });

  // Operator events (signer rotation, reserve, ownership) are kept as they come, by name.
  const operatorEvents = oneKeyPaymasterAbi
    .filter((item) => item.type === "event" && !TENANT_EVENTS.has(item.name))
    .map((item) => (item as { name: string }).name);
  for (const name of operatorEvents) {
    ponder.on(`OneKeyPaymaster:${name}` as "OneKeyPaymaster:ProjectFunded", async ({ event, context }) => {
      await context.db
        .insert(paymasterEvents)
        .values({
          id: `${context.chain.id}:${event.block.hash}:${event.log.logIndex}`,
          paymaster: event.log.address,
          name,
          args: JSON.parse(JSON.stringify(event.args, (_, v) => (typeof v === "bigint" ? v.toString() : v))),
          blockNumber: event.block.number,
          blockTimestamp: event.block.timestamp,
          transactionHash: event.transaction.hash,
        })
        .onConflictDoNothing();
    });
  }
}
