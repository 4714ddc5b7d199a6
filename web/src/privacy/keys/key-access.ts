/**
 * Key protection behind one small interface: the data key of an envelope is locked to an
 * attestation's on-chain decrypt condition (`KycRegistry.canDecrypt(requester, uid)`) and
 * released only to a requester for whom it holds. Production: Lit (Naga). Local: the key service.
 */

import type { LitProtectedKey } from "@onekey/lit-access";
import type { Address, Hex } from "viem";

export interface DecryptCondition {
  chainId: number;
  registry: Address;
  /** The attestation uid; before attesting, `KycRegistry.nextUid(subject)`. */
  uid: Hex;
}

/** Signs as the requester: a viem LocalAccount, or a wallet client wrapped as `{ address, signMessage }`. */
export interface RequesterSigner {
  address: Address;
  signMessage(args: { message: string }): Promise<Hex>;
}

/** Public, storable description of a protected key (no secret in clear). */
export type ProtectedKey =
  | { v: 1; scheme: "lit"; condition: DecryptCondition; lit: LitProtectedKey }
  | { v: 1; scheme: "keyservice"; condition: DecryptCondition; keyservice: { url: string; keyId: string } };

export interface KeyAccess {
  readonly scheme: ProtectedKey["scheme"];
  /**
   * `owner` signs for the store where the network asks for it (the key service: the uid's
   * subject or its decrypt delegate). Lit needs no signature to encrypt and ignores it.
   */
  protect(dataKey: Uint8Array, condition: DecryptCondition, owner?: RequesterSigner): Promise<ProtectedKey>;
  unlock(protectedKey: ProtectedKey, requester: RequesterSigner): Promise<Uint8Array>;
}
