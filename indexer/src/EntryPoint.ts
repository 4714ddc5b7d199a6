/**
 * The EntryPoint's UserOperationEvent, filtered in ponder.config.ts to operations our paymaster
 * paid for: adds the outcome (success, gas used, nonce) to the sponsored-operation row that the
 * paymaster's OperationSponsored (emitted earlier in the same transaction, from postOp) created.
 */
import { ponder } from "ponder:registry";
import { sponsoredOperations } from "ponder:schema";
import { paymasterSources } from "./lib/sources.js";

if (paymasterSources) {
  ponder.on("EntryPoint:UserOperationEvent", async ({ event, context }) => {
    const { userOpHash, success, actualGasUsed, nonce } = event.args;
    // Without OperationSponsored (postOp reverted) no project was charged: nothing to attach to.
    if (!(await context.db.find(sponsoredOperations, { userOpHash }))) return;
    await context.db.update(sponsoredOperations, { userOpHash }).set({ success, actualGasUsed, nonce });
  });
}
