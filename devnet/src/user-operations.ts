/**
 * Plain ERC-4337 v0.7 plumbing for in-process chains (tests and benchmarks): SimpleAccounts from
 * the canonical factory, signing a user operation as its owner, and submitting `handleOps` as a
 * bundler would. The dev stack's real bundler (Alto) replaces `handleOperations` there.
 */
import {
  type Account,
  type Address,
  type Chain,
  encodeFunctionData,
  type Hex,
  type LocalAccount,
  type PublicClient,
  parseEventLogs,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { type PackedUserOperation, toPackedUserOperation, type UserOperation } from "viem/account-abstraction";
import { entryPointV07Artifact, simpleAccountFactoryV07Artifact, simpleAccountV07Artifact } from "./aa-artifacts.js";

const entryPointAbi = entryPointV07Artifact.abi;

type Reader = PublicClient<Transport, Chain>;
type Sender = WalletClient<Transport, Chain, Account>;

export interface SimpleAccount {
  address: Address;
  owner: LocalAccount;
}

/** Deploys (or finds) the SimpleAccount of `owner` through the v0.7 factory, which anyone may call. */
export async function createSimpleAccount(
  reader: Reader,
  sender: Sender,
  factory: Address,
  owner: LocalAccount,
  salt = 0n,
): Promise<SimpleAccount> {
  const args = [owner.address, salt] as const;
  const abi = simpleAccountFactoryV07Artifact.abi;
  const hash = await sender.writeContract({ address: factory, abi, functionName: "createAccount", args });
  await reader.waitForTransactionReceipt({ hash });
  const address = (await reader.readContract({ address: factory, abi, functionName: "getAddress", args })) as Address;
  return { address, owner };
}

/** `SimpleAccount.execute(target, value, data)`. */
export function executeCallData(target: Address, value: bigint, data: Hex): Hex {
  return encodeFunctionData({
    abi: simpleAccountV07Artifact.abi,
    functionName: "execute",
    args: [target, value, data],
  });
}

export async function nonceOf(reader: Reader, entryPoint: Address, sender: Address): Promise<bigint> {
  return (await reader.readContract({
    address: entryPoint,
    abi: entryPointAbi,
    functionName: "getNonce",
    args: [sender, 0n],
  })) as bigint;
}

/** Packs `op` and signs the EntryPoint's userOpHash as a v0.7 SimpleAccount owner (eth_sign). */
export async function signUserOperation(
  reader: Reader,
  entryPoint: Address,
  op: UserOperation<"0.7">,
  owner: LocalAccount,
): Promise<PackedUserOperation> {
  const packed = toPackedUserOperation(op);
  const userOpHash = (await reader.readContract({
    address: entryPoint,
    abi: entryPointAbi,
    functionName: "getUserOpHash",
    args: [packed],
  })) as Hex;
  return { ...packed, signature: await owner.signMessage({ message: { raw: userOpHash } }) };
}

export interface HandledOperation {
  receipt: TransactionReceipt;
  userOpHash: Hex;
  success: boolean;
  /** What the EntryPoint deducted from whoever paid. */
  actualGasCost: bigint;
  actualGasUsed: bigint;
}

/** Submits one operation in `handleOps` (the bundler is its own beneficiary) and decodes its outcome. */
export async function handleOperation(
  reader: Reader,
  bundler: Sender,
  entryPoint: Address,
  op: PackedUserOperation,
): Promise<HandledOperation> {
  const hash = await bundler.writeContract({
    address: entryPoint,
    abi: entryPointAbi,
    functionName: "handleOps",
    args: [[op], bundler.account.address],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`handleOps reverted: ${hash}`);
  const [event] = parseEventLogs({ abi: entryPointAbi, logs: receipt.logs, eventName: "UserOperationEvent" });
  if (!event) throw new Error(`no UserOperationEvent in ${hash}`);
  const args = event.args as unknown as {
    userOpHash: Hex;
    success: boolean;
    actualGasCost: bigint;
    actualGasUsed: bigint;
  };
  return { receipt, ...args };
}
