/**
 * A chain action's failure in the dApp's error table's words (clients/errors.ts), with two
 * things the dashboard adds: whether anything was sent (a simulation that would revert sends
 * nothing, and says so), and sentences for the paymaster's errors, which the deployment book's
 * table (deploy/errors.ts) does not carry yet: without them a refusal would read
 * "NotSponsorManager(3, 0x…)".
 */
import { formatEther } from "viem";
import { toUserError, type UserError } from "../../clients/errors.js";
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

/** What the person reads when a chain action fails (`phase` is where; a failed simulation says so itself). */
export function chainUserError(failure: unknown, phase: ChainPhase = "send"): UserError {
  const simulated = failure instanceof Error && failure.name === "SimulationFailedError";
  const error = simulated ? (failure as Error).cause : failure;
  if (simulated) phase = "simulate";
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
