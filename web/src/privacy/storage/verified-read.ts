/**
 * Every read checks the bytes against the attestation's on-chain ciphertextHash before anything
 * else touches them: storage is untrusted, the chain is not.
 */
import type { Hex } from "viem";
import { ciphertextHash } from "../envelope/hash.js";
import { IntegrityError, type StorageAdapter } from "./storage.js";

export async function readVerifiedEnvelope(
  storage: StorageAdapter,
  attestation: { storageId: Hex; ciphertextHash: Hex },
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const envelope = await storage.download(attestation.storageId, options);
  const actual = await ciphertextHash(envelope);
  if (actual.toLowerCase() !== attestation.ciphertextHash.toLowerCase()) {
    throw new IntegrityError(attestation.ciphertextHash, actual);
  }
  return envelope;
}
