/**
 * Sealing the received result: record.ts's sealRecord (a fresh data key, the AES-256-GCM
 * envelope, the key locked to the coming attestation, a signed ANS-104 item), reporting its three
 * visible parts for the progress bar, then queueing the item (persisted in IndexedDB) so it is
 * never lost. The item is signed by a throwaway key: who uploads does not matter (the chain
 * records the item's id and the ciphertext's hash), and the person is not asked to sign twice.
 */
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { PrivacyServices } from "../../clients/privacy-services.js";
import type { Signer } from "../../clients/wallet/app-wallet.js";
import type { KeyAccess } from "../../privacy/keys/key-access.js";
import { sealRecord } from "../../privacy/record.js";
import type { SealPhase } from "./machine.js";

export const RECORD_SCHEMA_VERSION = 1;

export interface SealInput {
  plaintext: Uint8Array;
  chainId: number;
  registry: Address;
  subject: Address;
  uid: Hex;
  /** Signs the key store: the subject, or its decrypt delegate. */
  keyOwner: Signer;
  privacy: PrivacyServices;
  onPhase(phase: SealPhase): void;
}

export async function sealAndQueue(input: SealInput): Promise<{ itemId: Hex; ciphertextHash: Hex }> {
  const { privacy, onPhase } = input;
  const keyAccess: KeyAccess = {
    scheme: privacy.keyAccess.scheme,
    unlock: (key, requester) => privacy.keyAccess.unlock(key, requester),
    async protect(dataKey, condition, owner) {
      onPhase("lock");
      const protectedKey = await privacy.keyAccess.protect(dataKey, condition, owner);
      onPhase("sign");
      return protectedKey;
    },
  };
  onPhase("encrypt");
  const sealed = await sealRecord({
    record: input.plaintext,
    context: {
      chainId: input.chainId,
      registry: input.registry,
      subject: input.subject,
      schemaVersion: RECORD_SCHEMA_VERSION,
    },
    uid: input.uid,
    keyAccess,
    owner: input.keyOwner,
    itemSigner: privateKeyToAccount(generatePrivateKey()),
  });
  await privacy.queue.enqueue(sealed.item);
  return { itemId: sealed.item.id, ciphertextHash: sealed.ciphertextHash };
}
