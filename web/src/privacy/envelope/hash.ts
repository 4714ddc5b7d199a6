/**
 * ciphertextHash: keccak256 over the complete envelope bytes, exactly what KycRegistry stores in
 * `AttestationRequest.ciphertextHash` and what every read checks. hash-wasm's Keccak (Ethereum's
 * padding, not SHA3-256's) runs as WebAssembly: pure-JS keccak was the slowest step of a 10 MB
 * upload (about 8 MB/s here).
 */
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import { type ByteSource, generatorToStream, iterateBytes } from "./streams.js";

export interface CiphertextHasher {
  update(bytes: Uint8Array): void;
  digest(): Hex;
}

/** Incremental keccak256 for envelopes that never sit in memory whole. */
export async function createCiphertextHasher(): Promise<CiphertextHasher> {
  const hasher = await createKeccak(256);
  return {
    update: (bytes) => void hasher.update(bytes),
    digest: () => `0x${hasher.digest("hex")}`,
  };
}

export async function ciphertextHash(envelope: Uint8Array): Promise<Hex> {
  const hasher = await createCiphertextHasher();
  hasher.update(envelope);
  return hasher.digest();
}

/** Passes a stream through unchanged and resolves its keccak256 once it has been read to the end. */
export function tapCiphertextHash(source: ByteSource): { stream: ReadableStream<Uint8Array>; hash: Promise<Hex> } {
  let settle!: { resolve(hash: Hex): void; reject(error: unknown): void };
  const hash = new Promise<Hex>((resolve, reject) => {
    settle = { resolve, reject };
  });
  hash.catch(() => undefined); // the stream's reader sees the error; an unread hash must not crash the page
  async function* tap(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      const hasher = await createCiphertextHasher();
      for await (const bytes of iterateBytes(source)) {
        hasher.update(bytes);
        yield bytes;
      }
      settle.resolve(hasher.digest());
    } catch (error) {
      settle.reject(error);
      throw error;
    } finally {
      settle.reject(new Error("the envelope stream was cancelled before its end")); // no-op once settled
    }
  }
  return { stream: generatorToStream(tap()), hash };
}
