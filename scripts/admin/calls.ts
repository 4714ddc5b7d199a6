/**
 * The two ways an admin command changes the chain: send the call with the configured account, or
 * (governance, `--safe`) print it as a Safe Transaction Builder batch for the multisig. Both
 * simulate first, so a call that would revert prints the contract's error and nothing is sent or
 * printed as a proposal.
 */

import { safeBatch, safeTransaction } from "@onekey/deploy";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, TransactionReceipt } from "viem";
import { formatEther, parseAbi } from "viem";
import { appendSafeBatch, emitSafeBatch } from "./safe.js";
import { type AdminSession, confirm, signer, simulate } from "./session.js";

type WriteName<abi extends Abi> = ContractFunctionName<abi, "nonpayable" | "payable">;

/** One contract call: the shape of viem's simulateContract/writeContract parameters. */
export interface ContractCall<abi extends Abi, functionName extends WriteName<abi>> {
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
  value?: bigint;
}

type SimulateParameters = Parameters<AdminSession["publicClient"]["simulateContract"]>[0];

function simulateAs<abi extends Abi, functionName extends WriteName<abi>>(
  session: AdminSession,
  account: SimulateParameters["account"],
  call: ContractCall<abi, functionName>,
  extra: Pick<SimulateParameters, "stateOverride"> = {},
) {
  // viem's inference cannot follow a generic ABI through simulateContract's overloads; the call's
  // own type already ties functionName, args and value to the ABI.
  const parameters = { ...call, ...extra, account } as unknown as SimulateParameters;
  return simulate(String(call.functionName), () => session.publicClient.simulateContract(parameters));
}

/** Simulates the call as the signer, then sends the simulated request and waits for its receipt. */
export async function send<const abi extends Abi, functionName extends WriteName<abi>>(
  session: AdminSession,
  call: ContractCall<abi, functionName>,
): Promise<TransactionReceipt> {
  const wallet = signer(session);
  const { request } = await simulateAs(session, wallet.account, call);
  return confirm(session, await wallet.writeContract(request as Parameters<typeof wallet.writeContract>[0]));
}

/** What `--safe`, `--safe-out` and `--from` were given as (see args.ts safeOptions). */
export interface SafeChoice {
  safe: boolean;
  safeOut?: string;
  safeAppend?: string;
  from?: Address;
}

/** Whether the command prints a Safe batch instead of sending (`--safe-out`/`--safe-append` imply `--safe`). */
export function proposing(choice: SafeChoice): boolean {
  return choice.safe || choice.safeOut !== undefined || choice.safeAppend !== undefined;
}

const ownableAbi = parseAbi(["function owner() view returns (address)"]);

/**
 * `--safe`: simulates the call as `--from` (the Safe), or as the contract's owner when it is not
 * given, and prints it as a one-transaction Safe Transaction Builder batch. Sends nothing.
 */
export async function propose<const abi extends Abi, functionName extends WriteName<abi>>(
  session: AdminSession,
  choice: SafeChoice,
  call: ContractCall<abi, functionName>,
  description: string,
): Promise<void> {
  const from =
    choice.from ??
    (await session.publicClient.readContract({ address: call.address, abi: ownableAbi, functionName: "owner" }));
  // The Safe pays `value` when it executes; the simulation lends it the ether, as it may hold
  // none until the batch is funded, and a note says so.
  const lend = call.value ? { stateOverride: [{ address: from, balance: call.value }] } : {};
  await simulateAs(session, from, call, lend);
  if (call.value) {
    const balance = await session.publicClient.getBalance({ address: from });
    if (balance < call.value) {
      console.error(
        `Note: ${from} holds ${formatEther(balance)} ETH, less than the ${formatEther(call.value)} ETH this call sends: fund it before executing the batch.`,
      );
    }
  }
  console.error(
    `${String(call.functionName)} simulated as ${from}${choice.from ? "" : " (the contract's owner; pass --from <safe> to simulate as another)"}: it would succeed.`,
  );
  const batch = safeBatch({
    chainId: session.deployment.chainId,
    name: `OneKey: ${String(call.functionName)}`,
    description,
    safe: from,
    transactions: [safeTransaction(call)],
  });
  if (choice.safeAppend !== undefined) appendSafeBatch(batch, choice.safeAppend);
  else emitSafeBatch(batch, choice.safeOut);
}

/**
 * A governance call: proposed as a Safe batch with `--safe`, otherwise sent by the signer.
 * Returns the receipt when it was sent, undefined when it was only proposed.
 */
export async function sendOrPropose<const abi extends Abi, functionName extends WriteName<abi>>(
  session: AdminSession,
  choice: SafeChoice,
  call: ContractCall<abi, functionName>,
  description: string,
): Promise<TransactionReceipt | undefined> {
  if (proposing(choice)) {
    await propose(session, choice, call, description);
    return undefined;
  }
  return send(session, call);
}
