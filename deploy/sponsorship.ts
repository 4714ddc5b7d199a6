/**
 * OneKeyPaymaster sponsorship: the EIP-712 typed data the sponsorship signer signs, and the
 * paymasterData layout that carries it. Mirrors `IOneKeyPaymaster` / `PaymasterDataLib`; the
 * paymaster tests and the benchmark check both against the contract.
 */
import {
  type Address,
  concat,
  type Hex,
  hexToBigInt,
  hexToNumber,
  size,
  slice,
  type TypedDataDefinition,
  toHex,
} from "viem";

/** EIP-712 domain of OneKeyPaymaster (its constructor's `EIP712("OneKeyPaymaster", "1")`). */
export const SPONSORSHIP_DOMAIN_NAME = "OneKeyPaymaster";
export const SPONSORSHIP_DOMAIN_VERSION = "1";

/** Mirrors `OneKeyPaymaster.SPONSORED_USER_OPERATION_TYPEHASH`; field order matters. */
export const sponsorshipTypes = {
  SponsoredUserOperation: [
    { name: "sender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "initCode", type: "bytes" },
    { name: "callData", type: "bytes" },
    { name: "verificationGasLimit", type: "uint128" },
    { name: "callGasLimit", type: "uint128" },
    { name: "preVerificationGas", type: "uint256" },
    { name: "maxPriorityFeePerGas", type: "uint128" },
    { name: "maxFeePerGas", type: "uint128" },
    { name: "paymasterVerificationGasLimit", type: "uint128" },
    { name: "paymasterPostOpGasLimit", type: "uint128" },
    { name: "projectId", type: "uint64" },
    { name: "validUntil", type: "uint48" },
    { name: "validAfter", type: "uint48" },
  ],
} as const;

/** Bytes of paymasterData (after paymaster address and its two gas limits). */
export const PAYMASTER_DATA_LENGTH = 8 + 6 + 6 + 65;

/** The smallest paymasterPostOpGasLimit the paymaster accepts (`POST_OP_GAS_MIN`); sign exactly
 * this: postOp needs a few thousand gas, and v0.7 charges 10% of whatever is left unused. */
export const POST_OP_GAS_MIN = 15_000n;

/** paymasterVerificationGasLimit to sign. `npm run bench:paymaster` measures about 25k without
 * caps and about 74k with both caps on, for a sender's first operation in a period. */
export const PAYMASTER_VERIFICATION_GAS_LIMIT = 60_000n;
export const PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED = 110_000n;

/**
 * A well-formed signature that recovers to some unrelated address: what `pm_getPaymasterStubData`
 * returns so that gas estimation runs the same ecrecover as the real signature (a malformed stub
 * would skip it and underestimate). Validation with it returns SIG_VALIDATION_FAILED, never a revert.
 */
export const STUB_SIGNATURE: Hex = `0x${"11".repeat(32)}${"22".repeat(32)}1b`;

/**
 * The user-operation fields the sponsorship covers, named as viem's v0.7 `UserOperation`
 * (so a viem user operation can be passed as is). `factory`/`factoryData` form the initCode.
 */
export interface SponsoredUserOperation {
  sender: Address;
  nonce: bigint;
  factory?: Address | undefined;
  factoryData?: Hex | undefined;
  callData: Hex;
  verificationGasLimit: bigint;
  callGasLimit: bigint;
  preVerificationGas: bigint;
  maxPriorityFeePerGas: bigint;
  maxFeePerGas: bigint;
  paymasterVerificationGasLimit: bigint;
  paymasterPostOpGasLimit: bigint;
}

export interface SponsorshipParams {
  chainId: number;
  /** The OneKeyPaymaster that will verify the signature. */
  paymaster: Address;
  userOperation: SponsoredUserOperation;
  projectId: bigint;
  /** Last second the sponsorship is valid (0 = no expiry). */
  validUntil: number;
  /** First second the sponsorship is valid; also picks the period of the project's caps. */
  validAfter: number;
}

export type SponsorshipTypedData = TypedDataDefinition<typeof sponsorshipTypes, "SponsoredUserOperation">;

/** Anything that signs EIP-712 data: a viem LocalAccount, or a WalletClient with its account set. */
export interface SponsorshipSigner {
  signTypedData(typedData: SponsorshipTypedData): Promise<Hex>;
}

/** The v0.7 packed initCode: factory address followed by its calldata, or empty. */
export function initCodeOf(userOperation: Pick<SponsoredUserOperation, "factory" | "factoryData">): Hex {
  return userOperation.factory ? concat([userOperation.factory, userOperation.factoryData ?? "0x"]) : "0x";
}

/** The typed data the sponsorship signer signs (hash it with viem's `hashTypedData`). */
export function sponsorshipTypedData(params: SponsorshipParams): SponsorshipTypedData {
  const op = params.userOperation;
  return {
    domain: {
      name: SPONSORSHIP_DOMAIN_NAME,
      version: SPONSORSHIP_DOMAIN_VERSION,
      chainId: params.chainId,
      verifyingContract: params.paymaster,
    },
    types: sponsorshipTypes,
    primaryType: "SponsoredUserOperation",
    message: {
      sender: op.sender,
      nonce: op.nonce,
      initCode: initCodeOf(op),
      callData: op.callData,
      verificationGasLimit: op.verificationGasLimit,
      callGasLimit: op.callGasLimit,
      preVerificationGas: op.preVerificationGas,
      maxPriorityFeePerGas: op.maxPriorityFeePerGas,
      maxFeePerGas: op.maxFeePerGas,
      paymasterVerificationGasLimit: op.paymasterVerificationGasLimit,
      paymasterPostOpGasLimit: op.paymasterPostOpGasLimit,
      projectId: params.projectId,
      validUntil: params.validUntil,
      validAfter: params.validAfter,
    },
  };
}

export interface PaymasterData {
  projectId: bigint;
  validUntil: number;
  validAfter: number;
  /** 65 bytes: r, s, v. */
  signature: Hex;
}

/** paymasterData: projectId (8) | validUntil (6) | validAfter (6) | signature (65). */
export function encodePaymasterData(data: PaymasterData): Hex {
  if (size(data.signature) !== 65)
    throw new Error(`Sponsorship signature must be 65 bytes, got ${size(data.signature)}`);
  return concat([
    toHex(data.projectId, { size: 8 }),
    toHex(data.validUntil, { size: 6 }),
    toHex(data.validAfter, { size: 6 }),
    data.signature,
  ]);
}

/** The inverse of `encodePaymasterData`; throws on a wrong length, as the contract reverts. */
export function decodePaymasterData(paymasterData: Hex): PaymasterData {
  if (size(paymasterData) !== PAYMASTER_DATA_LENGTH) {
    throw new Error(`paymasterData must be ${PAYMASTER_DATA_LENGTH} bytes, got ${size(paymasterData)}`);
  }
  return {
    projectId: hexToBigInt(slice(paymasterData, 0, 8)),
    validUntil: hexToNumber(slice(paymasterData, 8, 14)),
    validAfter: hexToNumber(slice(paymasterData, 14, 20)),
    signature: slice(paymasterData, 20, 85),
  };
}

/** Signs a sponsorship and returns the paymasterData to put in the user operation. */
export async function signSponsorship(signer: SponsorshipSigner, params: SponsorshipParams): Promise<Hex> {
  const signature = await signer.signTypedData(sponsorshipTypedData(params));
  return encodePaymasterData({
    projectId: params.projectId,
    validUntil: params.validUntil,
    validAfter: params.validAfter,
    signature,
  });
}

/** paymasterData with the stub signature, for `pm_getPaymasterStubData` and gas estimation. */
export function stubPaymasterData(params: Pick<SponsorshipParams, "projectId" | "validUntil" | "validAfter">): Hex {
  return encodePaymasterData({ ...params, signature: STUB_SIGNATURE });
}
