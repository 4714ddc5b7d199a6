/**
 * A KYC record end to end, the way the dApp stores one and a project's reader opens it. The
 * pieces (envelope, key access, storage) stay separate; this is the one place they meet.
 *
 * Where the protected-key blob lives: in the `OneKey-Protected-Key` tag of the envelope's own
 * data item. The chain records one 32-byte storage id per attestation, and that id (the hash of
 * the item's signature, which covers its tags) finds both the ciphertext and the blob; a second
 * item would need a second id on-chain or an index to find it. The blob is public (no secret in
 * clear) and under 3 KiB, inside ANS-104's 3072-byte tag values.
 *
 * The tag comes from the network's GraphQL index, not from the bytes the on-chain hash covers,
 * so it is checked on use: it must name this attestation's condition (chain, registry, uid), and
 * a blob that unlocks some other key is caught by the envelope's key commitment (WrongKeyError).
 * A lying index can make a read fail; it cannot make it return someone else's data.
 */
import type { Hex } from "viem";
import { decryptEnvelope } from "./envelope/decrypt.js";
import { encryptEnvelope } from "./envelope/encrypt.js";
import type { EnvelopeContext } from "./envelope/format.js";
import { ciphertextHash } from "./envelope/hash.js";
import { generateDataKey } from "./envelope/subkeys.js";
import { ProtectedKeyInvalidError } from "./keys/errors.js";
import type { DecryptCondition, KeyAccess, ProtectedKey, RequesterSigner } from "./keys/key-access.js";
import { decodeProtectedKey, encodeProtectedKey, sameCondition } from "./keys/protected-key.js";
import { createDataItem, type DataItemSigner, type SignedDataItem, type Tag } from "./storage/ans104.js";
import type { StorageAdapter } from "./storage/storage.js";
import { readVerifiedEnvelope } from "./storage/verified-read.js";

export const PROTECTED_KEY_TAG = "OneKey-Protected-Key";
/** Tags every record item carries, so gateways and explorers can tell what it is. */
export const RECORD_TAGS: readonly Tag[] = [
  { name: "App-Name", value: "OneKey" },
  { name: "Content-Type", value: "application/octet-stream" },
  { name: "OneKey-Envelope-Version", value: "1" },
];

export interface SealRecordParams {
  /** The plaintext record (it never leaves this function unencrypted). */
  record: Uint8Array;
  /** Chain id, registry, subject and schema version the envelope is bound to. */
  context: EnvelopeContext;
  /** The uid the attestation will get: `KycRegistry.nextUid(subject)`, read just before. */
  uid: Hex;
  keyAccess: KeyAccess;
  /** The subject (or its decrypt delegate): signs the key store where the key network asks. */
  owner: RequesterSigner;
  /** Signs the ANS-104 item; usually the same wallet as `owner`. */
  itemSigner: DataItemSigner;
}

export interface SealedRecord {
  /** Upload this (through the UploadQueue); its `id` is the attestation's storageId. */
  item: SignedDataItem;
  /** keccak256 of the envelope: the attestation's ciphertextHash. */
  ciphertextHash: Hex;
  protectedKey: ProtectedKey;
}

/** Encrypts a record under a fresh data key, locks the key to the coming attestation, and signs the item. */
export async function sealRecord(params: SealRecordParams): Promise<SealedRecord> {
  const dataKey = generateDataKey();
  try {
    const envelope = await encryptEnvelope(params.record, { dataKey, context: params.context });
    const protectedKey = await params.keyAccess.protect(
      dataKey,
      conditionFor(params.context, params.uid),
      params.owner,
    );
    const blob = new TextDecoder().decode(encodeProtectedKey(protectedKey));
    const item = await createDataItem({
      data: envelope,
      tags: [...RECORD_TAGS, { name: PROTECTED_KEY_TAG, value: blob }],
      signer: params.itemSigner,
    });
    return { item, ciphertextHash: await ciphertextHash(envelope), protectedKey };
  } finally {
    dataKey.fill(0);
  }
}

export interface OpenRecordParams {
  storage: StorageAdapter;
  /** From the chain (KycRegistry.getAttestation), never from storage. */
  attestation: { uid: Hex; storageId: Hex; ciphertextHash: Hex };
  /** The context the record must be bound to: the attestation's chain, registry and subject. */
  context: EnvelopeContext;
  keyAccess: KeyAccess;
  /** The reader (or the subject): the key network checks canDecrypt for this address. */
  requester: RequesterSigner;
  signal?: AbortSignal;
}

/** Downloads, verifies against the chain, unlocks and decrypts a record; all or nothing. */
export async function openRecord(params: OpenRecordParams): Promise<Uint8Array> {
  const options = { signal: params.signal };
  const [envelope, tags] = await Promise.all([
    readVerifiedEnvelope(params.storage, params.attestation, options),
    params.storage.tags(params.attestation.storageId, options),
  ]);
  const protectedKey = protectedKeyFromTags(tags);
  if (!sameCondition(protectedKey.condition, conditionFor(params.context, params.attestation.uid))) {
    throw new ProtectedKeyInvalidError("the record's protected key was made for another attestation");
  }
  const dataKey = await params.keyAccess.unlock(protectedKey, params.requester);
  try {
    return await decryptEnvelope(envelope, { dataKey, context: params.context });
  } finally {
    dataKey.fill(0);
  }
}

function conditionFor(context: EnvelopeContext, uid: Hex): DecryptCondition {
  return { chainId: Number(context.chainId), registry: context.registry, uid };
}

/** The protected key a record item carries; exactly one tag, validated. */
export function protectedKeyFromTags(tags: readonly Tag[]): ProtectedKey {
  const found = tags.filter((tag) => tag.name === PROTECTED_KEY_TAG);
  if (found.length !== 1) {
    throw new ProtectedKeyInvalidError(
      `the record's data item has ${found.length} ${PROTECTED_KEY_TAG} tags, not exactly one`,
    );
  }
  return decodeProtectedKey(new TextEncoder().encode((found[0] as Tag).value));
}
