import type { Address, Hex, TypedDataDefinition } from "viem";

/** EIP-712 domain of KycRegistry (its constructor's `EIP712("OneKey KycRegistry", "1")`). */
export const ATTESTATION_DOMAIN_NAME = "OneKey KycRegistry";
export const ATTESTATION_DOMAIN_VERSION = "1";

/** Mirrors `KycRegistry.ATTESTATION_TYPEHASH`; field order matters. */
export const attestationTypes = {
  Attestation: [
    { name: "subject", type: "address" },
    { name: "level", type: "uint8" },
    { name: "expiresAt", type: "uint40" },
    { name: "storageNetwork", type: "uint8" },
    { name: "storageId", type: "bytes32" },
    { name: "ciphertextHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** `IKycRegistry.AttestationRequest`, as viem encodes it. */
export interface AttestationRequest {
  subject: Address;
  level: number;
  expiresAt: number;
  storageNetwork: number;
  storageId: Hex;
  ciphertextHash: Hex;
}

export interface AttestationSignatureParams {
  chainId: number;
  /** The KycRegistry that will verify the signature. */
  registry: Address;
  request: AttestationRequest;
  /** The subject's current `nonceOf(subject)`. */
  nonce: bigint;
  /** Unix time after which `attestBySig` refuses the signature. */
  deadline: bigint;
}

export type AttestationTypedData = TypedDataDefinition<typeof attestationTypes, "Attestation">;

/** Anything that signs EIP-712 data: a viem LocalAccount, or a WalletClient with its account set. */
export interface AttestationSigner {
  signTypedData(typedData: AttestationTypedData): Promise<Hex>;
}

/** The typed data an issuer signs for `attestBySig` (hash it with viem's `hashTypedData`). */
export function attestationTypedData(params: AttestationSignatureParams): AttestationTypedData {
  return {
    domain: {
      name: ATTESTATION_DOMAIN_NAME,
      version: ATTESTATION_DOMAIN_VERSION,
      chainId: params.chainId,
      verifyingContract: params.registry,
    },
    types: attestationTypes,
    primaryType: "Attestation",
    message: { ...params.request, nonce: params.nonce, deadline: params.deadline },
  };
}

/** Signs an attestation for `KycRegistry.attestBySig`. */
export function signAttestation(signer: AttestationSigner, params: AttestationSignatureParams): Promise<Hex> {
  return signer.signTypedData(attestationTypedData(params));
}
