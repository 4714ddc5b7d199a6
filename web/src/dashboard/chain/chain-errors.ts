/**
 * A chain action's failure in the dApp's error table's words (clients/errors.ts), with two
 * things the dashboard adds: whether anything was sent (a simulation that would revert sends
 * nothing, and says so), and sentences for the paymaster's errors, which the deployment book's
 * table (deploy/errors.ts) does not carry yet: without them a refusal would read
 * "NotSponsorManager(3, 0x…)".
 */
import { type Address, formatEther, type Hash } from "viem";
import { toUserError, type UserError, userError } from "../../clients/errors.js";
import { shortAddress } from "../../ui/format.js";

const eth = (wei: unknown) => `${formatEther(BigInt(wei as bigint))} ETH`;

/** OneKeyPaymaster's errors a dashboard action can meet (IOneKeyPaymaster.sol). */
export const paymasterErrorMessages: Record<string, (...args: readonly unknown[]) => string> = {
  NotSponsorManager: (projectId, account) =>
    `${shortAddress(account as `0x${string}`)} is not a sponsor manager of project ${projectId}: a project admin must grant it that role first.`,
  ProjectBudgetInsufficient: (projectId, balance, required) =>
    `Project ${projectId}'s budget holds ${eth(balance)}, less than the ${eth(required)} asked.`,
  AmountZero: () => "The amount must be more than zero.",
  AmountTooLarge: (amount) => `${eth(amount)} would take the budget past the most a project may hold.`,
  ProjectNotFound: (projectId) => `Project ${projectId} does not exist.`,
  ZeroAddress: () => "The zero address is not allowed here.",
};

interface Revert {
  name?: string;
  data?: { errorName?: string; args?: readonly unknown[] };
  cause?: unknown;
}

/** The error and its causes, outermost first. */
function causes(error: unknown): { name?: string; code?: unknown; shortMessage?: string; message?: string }[] {
  const chain = [];
  let current: unknown = error;
  for (let i = 0; current && typeof current === "object" && i < 12; i++) {
    chain.push(current as { name?: string; code?: unknown; shortMessage?: string });
    current = (current as Revert).cause;
  }
  return chain;
}

/** EIP-1193's "unsupported method" (4200) and JSON-RPC's "method not found" (-32601), as plain wallets answer. */
const UNSUPPORTED = new Set([4200, -32601]);

function revertOf(error: unknown): Revert["data"] | undefined {
  let current: unknown = error;
  for (let i = 0; current && typeof current === "object" && i < 12; i++) {
    const e = current as Revert;
    if (e.name === "ContractFunctionRevertedError") return e.data;
    current = e.cause;
  }
  return undefined;
}

/** The transaction was mined but reverted: nothing it asked for happened (the gas is spent). */
export class TransactionRevertedError extends Error {
  override readonly name = "TransactionRevertedError";
  constructor(readonly hash: `0x${string}`) {
    super(`transaction ${hash} reverted`);
  }
}

export type ChainPhase = "simulate" | "send" | "confirm";

/** What the screen knows when an action fails: who pays, and what was already sent. */
export interface FailureContext {
  /** The signed-in account, which pays for its own transactions. */
  account?: Address;
  /** The transaction (or user operation) the wallet had already sent when the failure came. */
  sentHash?: Hash;
}

/** What the person reads when a chain action fails (`phase` is where; a failed simulation says so itself). */
export function chainUserError(failure: unknown, phase: ChainPhase = "send", context: FailureContext = {}): UserError {
  const simulated = failure instanceof Error && failure.name === "SimulationFailedError";
  const error = simulated ? (failure as Error).cause : failure;
  if (simulated) phase = "simulate";
  const seen = causes(error);
  // Sent, but its inclusion was not seen (a timeout, the RPC gone): sending again could do it twice.
  if (context.sentHash && !(error instanceof TransactionRevertedError)) {
    return {
      ...userError("confirmation_timeout"),
      message:
        "It was sent, but the page did not see it included. Do not send it again yet: it may still land. The page reads the chain again; if the change is not there in a few minutes, try again.",
      detail: `Sent as ${context.sentHash}`,
    };
  }
  // Nothing was sent in these three: the wallet refused the network, the method, or the bundler the gas.
  const mismatch = seen.find((e) => e.name === "ChainMismatchError" || e.name === "ChainNotFoundError");
  if (mismatch) return userError("wallet_wrong_chain", mismatch.shortMessage);
  if (seen.some((e) => UNSUPPORTED.has(e.code as number) || e.name === "MethodNotSupportedRpcError")) {
    return userError("wallet_method_unsupported");
  }
  // A user operation without a paymaster (the bundler's AA21): the smart account cannot prepay its gas.
  if (seen.some((e) => e.name === "InsufficientPrefundError")) {
    return userError(
      "account_unfunded",
      context.account ? `Send ETH to ${context.account}, the account you signed in as.` : undefined,
    );
  }
  if (error instanceof TransactionRevertedError) {
    return {
      code: "user_op_failed",
      title: "The transaction reverted",
      message:
        "It was included in a block but did not succeed: nothing it asked for changed. The chain changed after the check; read the page again and retry.",
      actions: ["retry"],
      detail: `Transaction ${error.hash}`,
    };
  }
  const base = toUserError(error);
  const revert = revertOf(error);
  const name = revert?.errorName;
  const own = name && Object.hasOwn(paymasterErrorMessages, name) ? paymasterErrorMessages[name] : undefined;
  const detail = own ? own(...(revert?.args ?? [])) : base.detail;
  if (base.code === "contract_reverted" || revert) {
    return {
      ...base,
      title: phase === "simulate" ? "The chain would refuse this" : "The contract refused the transaction",
      message:
        phase === "simulate"
          ? "The transaction was checked before sending and would revert, so nothing was sent and nothing was paid."
          : base.message,
      ...(detail ? { detail } : {}),
    };
  }
  return base;
}
