/**
 * The Lit access control condition that guards a OneKey data key: an EVM contract condition
 * calling `KycRegistry.canDecrypt(:userAddress, uid)` on the registry's chain, true required.
 * Built as data and validated with Lit's own schema, so what we send is what the nodes accept.
 */
import { type EvmContractAcc, validateEVMContractConditionsSchema } from "@lit-protocol/access-control-conditions";
import { getAddress, isAddress, isHex } from "viem";
import { LitAccessError } from "./errors.js";

/** What the key is locked to: one attestation on one registry. */
export interface CanDecryptCondition {
  chainId: number;
  registry: `0x${string}`;
  /** The attestation uid (bytes32) whose decrypt condition must pass. */
  uid: `0x${string}`;
}

/** Lit names chains, not ids; only chains the registry is deployed on belong here. */
export const LIT_CHAIN_BY_ID: Readonly<Record<number, string>> = { 8453: "base", 84532: "baseSepolia" };

/** `IKycRegistry.canDecrypt` as Lit's schema wants it (a test keeps it equal to the deployment book's ABI). */
export const canDecryptFunctionAbi = {
  name: "canDecrypt",
  type: "function",
  stateMutability: "view",
  inputs: [
    { name: "requester", type: "address", internalType: "address" },
    { name: "uid", type: "bytes32", internalType: "bytes32" },
  ],
  outputs: [{ name: "", type: "bool", internalType: "bool" }],
} as const;

export function litChainOf(chainId: number): string {
  const chain = LIT_CHAIN_BY_ID[chainId];
  if (chain === undefined) {
    throw new LitAccessError("unsupported-chain", `chain ${chainId} is not one Lit evaluates conditions on`);
  }
  return chain;
}

export async function buildCanDecryptConditions(condition: CanDecryptCondition): Promise<EvmContractAcc[]> {
  if (!isAddress(condition.registry, { strict: false })) {
    throw new LitAccessError("invalid-condition", `registry ${condition.registry} is not an address`);
  }
  if (!isHex(condition.uid, { strict: true }) || condition.uid.length !== 66) {
    throw new LitAccessError("invalid-condition", `uid ${condition.uid} is not a bytes32`);
  }
  const conditions: EvmContractAcc[] = [
    {
      conditionType: "evmContract",
      contractAddress: getAddress(condition.registry),
      chain: litChainOf(condition.chainId) as EvmContractAcc["chain"],
      functionName: "canDecrypt",
      functionParams: [":userAddress", condition.uid.toLowerCase()],
      functionAbi: {
        ...canDecryptFunctionAbi,
        inputs: canDecryptFunctionAbi.inputs.map((input) => ({ ...input })),
        outputs: canDecryptFunctionAbi.outputs.map((output) => ({ ...output })),
      },
      returnValueTest: { key: "", comparator: "=", value: "true" },
    },
  ];
  try {
    await validateEVMContractConditionsSchema(conditions);
  } catch (error) {
    throw new LitAccessError("invalid-condition", "Lit rejected the condition schema", error);
  }
  return conditions;
}
