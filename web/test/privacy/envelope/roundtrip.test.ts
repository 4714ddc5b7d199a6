import fc from "fast-check";
import { keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { decryptEnvelope, decryptStream, readEnvelopeHeader } from "../../../src/privacy/envelope/decrypt.js";
import { encryptEnvelope, encryptStream } from "../../../src/privacy/envelope/encrypt.js";
import { EnvelopeInputError } from "../../../src/privacy/envelope/errors.js";
import { ciphertextHash, tapCiphertextHash } from "../../../src/privacy/envelope/hash.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import { context, hex, patternBytes, piecewiseStream, readAll } from "./fixtures.js";

/** Envelope size per FORMAT.md: 100 + 24 per chunk + plaintext. */
function expectedSize(plaintextLength: number, chunkSize: number): number {
  return 100 + 24 * Math.max(1, Math.ceil(plaintextLength / chunkSize)) + plaintextLength;
}

describe("envelope round trip", () => {
  it("round-trips sizes around chunk boundaries with the documented size", async () => {
    const dataKey = generateDataKey();
    const chunkSize = 16;
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 160]) {
      const plaintext = patternBytes(length, length + 1);
      const envelope = await encryptEnvelope(plaintext, { dataKey, context, chunkSize });
      expect(envelope.length, `length ${length}`).toBe(expectedSize(length, chunkSize));
      expect(hex(await decryptEnvelope(envelope, { dataKey, context }))).toBe(hex(plaintext));
    }
  });

  it("round-trips random sizes, chunk sizes and input piece sizes through streams (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        async (length, chunkSize, pieceSizes, seed) => {
          const dataKey = generateDataKey();
          const plaintext = patternBytes(length, seed);
          const envelope = await readAll(
            encryptStream(piecewiseStream(plaintext, pieceSizes), { dataKey, context, chunkSize }),
          );
          expect(envelope.length).toBe(expectedSize(length, chunkSize));
          const decrypted = await readAll(decryptStream(piecewiseStream(envelope, pieceSizes), { dataKey, context }));
          expect(hex(decrypted)).toBe(hex(plaintext));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("round-trips 3 MiB with the default 256 KiB chunks", async () => {
    const dataKey = generateDataKey();
    const plaintext = patternBytes(3 * 2 ** 20 + 5);
    const envelope = await encryptEnvelope(plaintext, { dataKey, context });
    expect(readEnvelopeHeader(envelope).chunkSize).toBe(2 ** 18);
    expect(envelope.length).toBe(expectedSize(plaintext.length, 2 ** 18));
    const decrypted = await decryptEnvelope(envelope, { dataKey, context });
    expect(decrypted.length).toBe(plaintext.length);
    expect(keccak256(decrypted)).toBe(keccak256(plaintext));
  });

  it("uses a fresh nonce prefix per envelope, so equal inputs give different envelopes", async () => {
    const dataKey = generateDataKey();
    const plaintext = patternBytes(40);
    const [a, b] = await Promise.all([1, 2].map(() => encryptEnvelope(plaintext, { dataKey, context, chunkSize: 16 })));
    expect(hex(readEnvelopeHeader(a as Uint8Array).noncePrefix)).not.toBe(
      hex(readEnvelopeHeader(b as Uint8Array).noncePrefix),
    );
    expect(hex(a as Uint8Array)).not.toBe(hex(b as Uint8Array));
  });

  it("generates distinct 32-byte data keys", () => {
    const keys = new Set(Array.from({ length: 64 }, () => hex(generateDataKey())));
    expect(keys.size).toBe(64);
    for (const key of keys) expect(key).toHaveLength(64);
  });

  it("hashes a streamed envelope exactly like the whole envelope (keccak256)", async () => {
    const dataKey = generateDataKey();
    const plaintext = patternBytes(5000);
    const { stream, hash } = tapCiphertextHash(encryptStream([plaintext], { dataKey, context, chunkSize: 512 }));
    const envelope = await readAll(stream);
    expect(await hash).toBe(keccak256(envelope));
    expect(await ciphertextHash(envelope)).toBe(keccak256(envelope));
  });

  it("reads the source only as fast as the consumer reads the envelope (bounded memory)", async () => {
    const chunkSize = 1024;
    const pieceSize = 256;
    let produced = 0;
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          produced += pieceSize;
          controller.enqueue(new Uint8Array(pieceSize));
        },
      },
      { highWaterMark: 0 },
    );
    const reader = encryptStream(source, { dataKey: generateDataKey(), context, chunkSize }).getReader();
    let consumed = 0;
    for (let i = 0; i < 200; i++) consumed += ((await reader.read()).value as Uint8Array).length;
    // An endless source: the encryptor may hold the chunk being sealed, the next one read, the
    // look-ahead piece and what waits in the stream queue, never more.
    expect(produced).toBeLessThanOrEqual(consumed + 3 * chunkSize + pieceSize);
    await reader.cancel();
  });

  it("rejects bad arguments with EnvelopeInputError before touching any data", () => {
    const dataKey = generateDataKey();
    expect(() => encryptStream([], { dataKey: dataKey.subarray(0, 31), context })).toThrow(EnvelopeInputError);
    expect(() => encryptStream([], { dataKey, context: { ...context, subject: "0x1234" } })).toThrow(
      /subject 0x1234 is not an address/,
    );
    expect(() => encryptStream([], { dataKey, context: { ...context, schemaVersion: 70_000 } })).toThrow(
      /schemaVersion 70000 is not a uint16/,
    );
    expect(() => encryptStream([], { dataKey, context: { ...context, chainId: -1n } })).toThrow(
      /chainId -1 is not a uint64/,
    );
    expect(() => encryptStream([], { dataKey, context, chunkSize: 0 })).toThrow(/chunkSize 0 is outside 1\.\.16777216/);
    expect(() => decryptStream([], { dataKey: new Uint8Array(16), context })).toThrow(EnvelopeInputError);
  });
});
