/**
 * Byte layout of the OneKey envelope, version 1 (FORMAT.md beside this file is the normative
 * description; this module is its only encoder/decoder of headers, nonces and AAD).
 */
import { type Address, bytesToHex, getAddress, hexToBytes, isAddress } from "viem";
import { type ContextField, EnvelopeInputError, MalformedEnvelopeError, UnsupportedVersionError } from "./errors.js";

/** ASCII "OKEV": OneKey EnVelope. */
export const MAGIC = new Uint8Array([0x4f, 0x4b, 0x45, 0x56]);
export const FORMAT_VERSION = 1;
/** Suite 1: HKDF-SHA256 subkeys, AES-256-GCM, STREAM nonces (64-bit prefix, 31-bit counter, final bit). */
export const SUITE_AES256GCM_HKDF_STREAM = 1;

/**
 * 256 KiB: Chromium's WebCrypto returns every output of about 1 MiB or more in a fresh memory
 * mapping (PartitionAlloc's direct-map), which made 1 MiB chunks run at about 40% of this speed.
 */
export const DEFAULT_CHUNK_SIZE = 1 << 18;
export const MAX_CHUNK_SIZE = 1 << 24;
/** The counter has 31 bits; the top bit of the 32-bit chunk word is the final flag. */
export const MAX_CHUNKS = 2 ** 31;

export const KEY_BYTES = 32;
export const NONCE_PREFIX_BYTES = 8;
export const COMMITMENT_BYTES = 32;
export const TAG_BYTES = 16;
/** Header bytes that every chunk's AAD repeats: everything before the key commitment. */
export const HEADER_AAD_BYTES = 68;
export const HEADER_BYTES = HEADER_AAD_BYTES + COMMITMENT_BYTES;
/** Clear chunk framing: chunk word (u32) + plaintext length (u32). */
export const CHUNK_FRAME_BYTES = 8;

const FINAL_FLAG = 0x8000_0000;
const MAX_CHAIN_ID = 2n ** 64n - 1n;

/** What an envelope is bound to. All four values are public; the AAD makes them unforgeable. */
export interface EnvelopeContext {
  /** EVM chain id of the registry (uint64). */
  chainId: number | bigint;
  /** Address of the KycRegistry that holds the attestation. */
  registry: Address;
  /** The attested subject (smart account or wallet) whose record this is. */
  subject: Address;
  /** Version of the record schema inside the plaintext (uint16). */
  schemaVersion: number;
}

export interface EnvelopeHeader {
  version: number;
  suite: number;
  chunkSize: number;
  noncePrefix: Uint8Array;
  context: { chainId: bigint; registry: Address; subject: Address; schemaVersion: number };
  keyCommitment: Uint8Array;
}

export function normalizeContext(context: EnvelopeContext): EnvelopeHeader["context"] {
  const chainId = BigInt(context.chainId);
  if (chainId < 0n || chainId > MAX_CHAIN_ID) throw new EnvelopeInputError(`chainId ${chainId} is not a uint64`);
  for (const field of ["registry", "subject"] as const) {
    if (!isAddress(context[field], { strict: false })) {
      throw new EnvelopeInputError(`${field} ${String(context[field])} is not an address`);
    }
  }
  const { schemaVersion } = context;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 0 || schemaVersion > 0xffff) {
    throw new EnvelopeInputError(`schemaVersion ${schemaVersion} is not a uint16`);
  }
  return { chainId, registry: getAddress(context.registry), subject: getAddress(context.subject), schemaVersion };
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new EnvelopeInputError(`chunkSize ${chunkSize} is outside 1..${MAX_CHUNK_SIZE}`);
  }
}

export function encodeHeader(header: Omit<EnvelopeHeader, "version" | "suite">): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = FORMAT_VERSION;
  out[5] = SUITE_AES256GCM_HKDF_STREAM;
  view.setUint32(6, header.chunkSize);
  out.set(header.noncePrefix, 10);
  view.setBigUint64(18, header.context.chainId);
  out.set(hexToBytes(header.context.registry), 26);
  out.set(hexToBytes(header.context.subject), 46);
  view.setUint16(66, header.context.schemaVersion);
  out.set(header.keyCommitment, HEADER_AAD_BYTES);
  return out;
}

/**
 * Reads the magic and version first so that a future version is reported as unsupported rather
 * than malformed. `bytes` must hold at least HEADER_BYTES (the caller reports truncation).
 */
export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
  checkPreamble(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const chunkSize = view.getUint32(6);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new MalformedEnvelopeError(`header chunk size ${chunkSize} is outside 1..${MAX_CHUNK_SIZE}`);
  }
  return {
    version: bytes[4] as number,
    suite: bytes[5] as number,
    chunkSize,
    noncePrefix: bytes.slice(10, 18),
    context: {
      chainId: view.getBigUint64(18),
      registry: getAddress(bytesToHex(bytes.subarray(26, 46))),
      subject: getAddress(bytesToHex(bytes.subarray(46, 66))),
      schemaVersion: view.getUint16(66),
    },
    keyCommitment: bytes.slice(HEADER_AAD_BYTES, HEADER_BYTES),
  };
}

/** Validates magic, version and suite from the first 6 bytes (as many as are present). */
export function checkPreamble(bytes: Uint8Array): void {
  for (let i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
    if (bytes[i] !== MAGIC[i]) throw new MalformedEnvelopeError("not a OneKey envelope (magic bytes differ)");
  }
  if (bytes.length >= 6 && (bytes[4] !== FORMAT_VERSION || bytes[5] !== SUITE_AES256GCM_HKDF_STREAM)) {
    throw new UnsupportedVersionError(bytes[4] as number, bytes[5] as number);
  }
}

export function mismatchedFields(
  expected: EnvelopeHeader["context"],
  found: EnvelopeHeader["context"],
): ContextField[] {
  const fields: ContextField[] = [];
  if (expected.chainId !== found.chainId) fields.push("chainId");
  if (expected.registry !== found.registry) fields.push("registry");
  if (expected.subject !== found.subject) fields.push("subject");
  if (expected.schemaVersion !== found.schemaVersion) fields.push("schemaVersion");
  return fields;
}

/** The 32-bit chunk word: final flag in the top bit, chunk index below it. */
export function chunkWord(index: number, final: boolean): number {
  return (final ? FINAL_FLAG : 0) + index;
}

export function splitChunkWord(word: number): { index: number; final: boolean } {
  return { index: word & 0x7fff_ffff, final: word >= FINAL_FLAG };
}

/** nonce = nonce prefix (8 bytes) || chunk word (4 bytes, big-endian). */
export function chunkNonce(noncePrefix: Uint8Array, word: number): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(noncePrefix, 0);
  new DataView(nonce.buffer).setUint32(8, word);
  return nonce;
}

/** AAD = header bytes 0..67 (everything but the key commitment) || chunk word. */
export function chunkAad(headerAad: Uint8Array, word: number): Uint8Array {
  const aad = new Uint8Array(HEADER_AAD_BYTES + 4);
  aad.set(headerAad.subarray(0, HEADER_AAD_BYTES), 0);
  new DataView(aad.buffer).setUint32(HEADER_AAD_BYTES, word);
  return aad;
}

export function encodeChunkFrame(word: number, plaintextLength: number): Uint8Array {
  const frame = new Uint8Array(CHUNK_FRAME_BYTES);
  const view = new DataView(frame.buffer);
  view.setUint32(0, word);
  view.setUint32(4, plaintextLength);
  return frame;
}
