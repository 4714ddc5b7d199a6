/** The paymaster side of the local stack: its address and one sponsored user operation. */
import { ENTRY_POINT_V07, oneKeyPaymasterAbi, SIMPLE_ACCOUNT_FACTORY_V07 } from "@onekey/deploy";
import {
  createSimpleAccount,
  executeCallData,
  handleOperation,
  nonceOf,
  signUserOperation,
} from "@onekey/devnet/user-operations";
import { type Address, createWalletClient, http, keccak256, parseEventLogs, toHex } from "viem";
import type { UserOperation } from "viem/account-abstraction";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { POST_OP_GAS_MIN, signSponsorship } from "../../../deploy/sponsorship.js";
import type { ChainStack } from "./stack.js";

/** The stack's OneKeyPaymaster (scripts/deploy.ts deploys it with the registries). */
export function paymasterOf(stack: ChainStack): Address {
  const paymaster = stack.deployment.contracts.OneKeyPaymaster;
  if (!paymaster) throw new Error("the local deployment has no OneKeyPaymaster");
  return paymaster.address;
}

/**
 * One user operation of a fresh SimpleAccount, sponsored for `projectId`: signed by the
 * sponsorship signer (test account 1, the Paymaster module's default) and submitted by a bundler.
 */
export async function sponsorOperation(stack: ChainStack, paymaster: Address, projectId: bigint, label: string) {
  const { onekey } = stack;
  const bundler = createWalletClient({ account: onekey.account(9), chain: hardhat, transport: http(onekey.rpcUrl) });
  const reader = onekey.client as Parameters<typeof createSimpleAccount>[0];
  const owner = privateKeyToAccount(keccak256(toHex(`onekey-indexer-test-${label}`)));
  const account = await createSimpleAccount(reader, bundler, SIMPLE_ACCOUNT_FACTORY_V07, owner);
  const block = await onekey.client.getBlock();
  const maxPriorityFeePerGas = 1_000_000_000n;
  const op: UserOperation<"0.7"> = {
    sender: account.address,
    nonce: await nonceOf(reader, ENTRY_POINT_V07, account.address),
    callData: executeCallData(bundler.account.address, 0n, "0x"),
    callGasLimit: 50_000n,
    verificationGasLimit: 100_000n,
    preVerificationGas: 50_000n,
    maxPriorityFeePerGas,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + maxPriorityFeePerGas,
    signature: "0x",
  };
  const limits = { paymasterVerificationGasLimit: 150_000n, paymasterPostOpGasLimit: POST_OP_GAS_MIN * 4n };
  const validUntil = Number(block.timestamp) + 3600;
  const validAfter = Number(block.timestamp) - 60;
  const paymasterData = await signSponsorship(onekey.account(1) as Parameters<typeof signSponsorship>[0], {
    chainId: await onekey.client.getChainId(),
    paymaster,
    userOperation: { ...op, ...limits },
    projectId,
    validUntil,
    validAfter,
  });
  Object.assign(op, { paymaster, ...limits, paymasterData });
  const signed = await signUserOperation(reader, ENTRY_POINT_V07, op, owner);
  const handled = await handleOperation(reader, bundler, ENTRY_POINT_V07, signed);
  const [sponsoredEvent] = parseEventLogs({
    abi: oneKeyPaymasterAbi,
    logs: handled.receipt.logs,
    eventName: "OperationSponsored",
  });
  if (!sponsoredEvent) throw new Error("the operation was not sponsored");
  return { ...handled, sender: account.address, actualCost: sponsoredEvent.args.actualCost };
}
