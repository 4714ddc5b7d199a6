/**
 * Subkeys derived from the data key. The data key never touches AES directly: HKDF-SHA256 gives
 * one AES-256-GCM key and one key commitment, so a wrong key is told apart from tampering and one
 * envelope cannot decrypt validly under two keys (GCM alone is not key-committing).
 */
import { EnvelopeInputError } from "./errors.js";
import { KEY_BYTES } from "./format.js";

const encoder = new TextEncoder();
export const AES_KEY_INFO = encoder.encode("OneKey envelope v1 AES-256-GCM key");
export const COMMITMENT_INFO = encoder.encode("OneKey envelope v1 key commitment");

export interface Subkeys {
  aesKey: CryptoKey;
  commitment: Uint8Array;
}

/** A fresh 256-bit data key from the platform CSPRNG. */
export function generateDataKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

export async function deriveSubkeys(dataKey: Uint8Array): Promise<Subkeys> {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== KEY_BYTES) {
    throw new EnvelopeInputError(`the data key must be ${KEY_BYTES} bytes`);
  }
  const ikm = await crypto.subtle.importKey("raw", dataKey as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveBits"]);
  const hkdf = (info: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, ikm, 256);
  const [aesBits, commitment] = await Promise.all([hkdf(AES_KEY_INFO), hkdf(COMMITMENT_INFO)]);
  const aesKey = await crypto.subtle.importKey("raw", aesBits, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return { aesKey, commitment: new Uint8Array(commitment) };
}

/** Constant-time comparison of two equal-length byte strings. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
