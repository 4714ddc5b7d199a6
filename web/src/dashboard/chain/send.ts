/**
 * One chain action, as every dashboard screen sends it: simulate as the signed-in account (a
 * would-revert action stops here with the decoded error, and nothing is sent), have the wallet
 * send it, then wait until it is included. The phases are reported as they begin, so the screen's
 * progress names what is under way.
 *
 * Two ways to send, by what the signed-in account is:
 * - the connected wallet's own account (an EOA, or a smart wallet that sends its own
 *   transactions): an ordinary transaction (`eth_sendTransaction`), gas paid by that account;
 * - a SimpleAccount owned by the connected EOA (how the app signs in an EOA's smart account):
 *   a user operation through the bundler, gas paid from the account's own ETH. OneKey's sponsor
 *   pays for people's KYC actions only (issuer/src/sponsorship/policy.ts), never for these.
 */
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  encodeFunctionData,
  type Hash,
  http,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
} from "viem";
import { createBundlerClient, type SmartAccount } from "viem/account-abstraction";
import { writeContract } from "viem/actions";
import { TransactionRevertedError } from "./chain-errors.js";

/** A contract call, as the screens describe it (ABI from the deployment book). */
export interface ChainCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
}

export type SendPhase = "simulating" | "wallet" | "confirming";

export type WalletClient = Client<Transport, Chain, Account>;

/** Sends a simulated call as the signed-in account; `wait` resolves when it is included. */
export interface Sender {
  kind: "transaction" | "userOperation";
  submit(call: ChainCall): Promise<{ hash: Hash; wait(): Promise<TransactionReceipt> }>;
}

export function transactionSender(wallet: WalletClient, reader: PublicClient): Sender {
  return {
    kind: "transaction",
    async submit(call) {
      const hash = await writeContract(wallet, {
        address: call.address,
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
        account: wallet.account,
        // The chain the screens read, not the wallet's current one: viem then refuses to send
        // from a wallet on another network (ChainMismatchError) instead of sending it there.
        chain: reader.chain ?? wallet.chain,
        ...(call.value ? { value: call.value } : {}),
      } as Parameters<typeof writeContract>[1]);
      return {
        hash,
        async wait() {
          const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 120_000 });
          if (receipt.status !== "success") throw new TransactionRevertedError(hash);
          return receipt;
        },
      };
    },
  };
}

export function userOperationSender(account: SmartAccount, reader: PublicClient, bundlerUrl: string): Sender {
  const bundler = createBundlerClient({
    account,
    client: reader,
    transport: http(bundlerUrl, { retryCount: 1 }),
    pollingInterval: 250,
  });
  return {
    kind: "userOperation",
    async submit(call) {
      const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args });
      const hash = await bundler.sendUserOperation({
        account,
        calls: [{ to: call.address, data, value: call.value ?? 0n }],
      });
      return {
        hash,
        async wait() {
          const receipt = await bundler.waitForUserOperationReceipt({ hash, timeout: 120_000 });
          if (!receipt.success) throw new TransactionRevertedError(receipt.receipt.transactionHash);
          return receipt.receipt;
        },
      };
    },
  };
}

export class SimulationFailedError extends Error {
  override readonly name = "SimulationFailedError";
  constructor(override readonly cause: unknown) {
    super("the simulation reverted; nothing was sent");
  }
}

export interface SentAction {
  hash: Hash;
  receipt: TransactionReceipt;
}

export async function sendChainCall(
  call: ChainCall,
  deps: { reader: PublicClient; sender: Sender; account: Address },
  onPhase: (phase: SendPhase, hash?: Hash) => void = () => undefined,
): Promise<SentAction> {
  onPhase("simulating");
  try {
    await deps.reader.simulateContract({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
      account: deps.account,
      ...(call.value ? { value: call.value } : {}),
    } as Parameters<PublicClient["simulateContract"]>[0]);
  } catch (error) {
    throw new SimulationFailedError(error);
  }
  onPhase("wallet");
  const submitted = await deps.sender.submit(call);
  onPhase("confirming", submitted.hash);
  const receipt = await submitted.wait();
  return { hash: receipt.transactionHash, receipt };
}
