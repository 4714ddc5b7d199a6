import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptEnvelope, decryptStream, readEnvelopeHeader } from "../../../src/privacy/envelope/decrypt.js";
import { encryptEnvelope } from "../../../src/privacy/envelope/encrypt.js";
import {
  EnvelopeError,
  MalformedEnvelopeError,
  ReorderedChunkError,
  TamperedEnvelopeError,
  TruncatedEnvelopeError,
  UnsupportedVersionError,
  WrongContextError,
  WrongKeyError,
} from "../../../src/privacy/envelope/errors.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import { concat, context, hex, otherAddress, patternBytes } from "./fixtures.js";

const HEADER = 100;
const chunkSize = 16;
/** Bytes of chunk i of a chunkSize-16 envelope whose chunks before i are full. */
const chunkAt = (envelope: Uint8Array, i: number, length = chunkSize) =>
  envelope.subarray(HEADER + i * (24 + chunkSize), HEADER + i * (24 + chunkSize) + 24 + length);

async function decryptError(envelope: Uint8Array, dataKey: Uint8Array, expected = context): Promise<unknown> {
  return decryptEnvelope(envelope, { dataKey, context: expected }).then(
    (plaintext) => new Error(`decrypted ${plaintext.length} bytes that should have been refused`),
    (error: unknown) => error,
  );
}

describe("envelope failures", () => {
  const dataKey = generateDataKey();
  const plaintext = patternBytes(40); // chunks of 16, 16, 8
  let envelope: Uint8Array;
  beforeAll(async () => {
    envelope = await encryptEnvelope(plaintext, { dataKey, context, chunkSize });
  });

  it("a wrong key is WrongKeyError", async () => {
    expect(await decryptError(envelope, generateDataKey())).toBeInstanceOf(WrongKeyError);
  });

  it("another context is WrongContextError naming exactly the fields that differ", async () => {
    const cases = [
      [{ subject: otherAddress }, ["subject"]],
      [{ chainId: 8453 }, ["chainId"]],
      [{ registry: otherAddress, schemaVersion: 2 }, ["registry", "schemaVersion"]],
    ] as const;
    for (const [change, fields] of cases) {
      const error = await decryptError(envelope, dataKey, { ...context, ...change });
      expect(error).toBeInstanceOf(WrongContextError);
      expect((error as WrongContextError).mismatched).toEqual(fields);
    }
  });

  it("accepts the context in any address casing", async () => {
    const lower = { ...context, subject: context.subject.toLowerCase() as `0x${string}` };
    expect(hex(await decryptEnvelope(envelope, { dataKey, context: lower }))).toBe(hex(plaintext));
  });

  it("every truncation, at every byte, is TruncatedEnvelopeError", async () => {
    for (let length = 0; length < envelope.length; length++) {
      const error = await decryptError(envelope.subarray(0, length), dataKey);
      expect(error, `cut at ${length}`).toBeInstanceOf(TruncatedEnvelopeError);
      expect((error as TruncatedEnvelopeError).receivedBytes, `cut at ${length}`).toBe(length);
    }
  });

  it("swapped, dropped and duplicated chunks are ReorderedChunkError with both positions", async () => {
    const [c0, c1, c2] = [0, 1, 2].map((i) => chunkAt(envelope, i, i === 2 ? 8 : 16)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const header = envelope.subarray(0, HEADER);
    const cases: [Uint8Array, number, number][] = [
      [concat(header, c1, c0, c2), 0, 1],
      [concat(header, c0, c2), 1, 2],
      [concat(header, c0, c0, c1, c2), 1, 0],
    ];
    for (const [reordered, expectedIndex, foundIndex] of cases) {
      const error = await decryptError(reordered, dataKey);
      expect(error).toBeInstanceOf(ReorderedChunkError);
      expect(error).toMatchObject({ expectedIndex, foundIndex });
    }
  });

  it("a chunk from another envelope under the same key fails authentication (prefix and AAD bind it)", async () => {
    const other = await encryptEnvelope(plaintext, { dataKey, context, chunkSize });
    const spliced = concat(
      envelope.subarray(0, HEADER),
      chunkAt(envelope, 0),
      chunkAt(other, 1),
      chunkAt(envelope, 2, 8),
    );
    const error = await decryptError(spliced, dataKey);
    expect(error).toBeInstanceOf(TamperedEnvelopeError);
    expect((error as TamperedEnvelopeError).chunkIndex).toBe(1);
  });

  it("an unknown version or suite is UnsupportedVersionError; foreign bytes are MalformedEnvelopeError", async () => {
    const v2 = envelope.slice();
    v2[4] = 2;
    expect(await decryptError(v2, dataKey)).toMatchObject({ name: "UnsupportedVersionError", version: 2, suite: 1 });
    const suite9 = envelope.slice();
    suite9[5] = 9;
    expect(await decryptError(suite9, dataKey)).toBeInstanceOf(UnsupportedVersionError);
    expect(
      await decryptError(
        new TextEncoder().encode("%PDF-1.7 not an envelope at all, long enough for a header".repeat(3)),
        dataKey,
      ),
    ).toBeInstanceOf(MalformedEnvelopeError);
  });

  it("bytes after the final chunk are TamperedEnvelopeError", async () => {
    expect(await decryptError(concat(envelope, new Uint8Array([0])), dataKey)).toBeInstanceOf(TamperedEnvelopeError);
  });

  it("every single-bit flip anywhere is detected, with the error its region documents", async () => {
    const [commitmentStart, commitmentEnd] = [68, 100];
    const finalFrame = envelope.length - (8 + 8 + 16); // the final chunk: frame, 8 plaintext bytes, tag
    const [finalLengthStart, finalLengthEnd] = [finalFrame + 4, finalFrame + 8];
    for (let bit = 0; bit < envelope.length * 8; bit++) {
      const flipped = envelope.slice();
      const byte = bit >> 3;
      flipped[byte] = (flipped[byte] as number) ^ (1 << (bit & 7));
      const error = await decryptError(flipped, dataKey);
      const where = `bit ${bit} (byte ${byte})`;
      if (byte < 4) expect(error, where).toBeInstanceOf(MalformedEnvelopeError);
      else if (byte < 6) expect(error, where).toBeInstanceOf(UnsupportedVersionError);
      else if (byte < 10)
        expect(error, where).toSatisfy(
          (e) => e instanceof MalformedEnvelopeError || e instanceof TamperedEnvelopeError,
        );
      else if (byte >= commitmentStart && byte < commitmentEnd) expect(error, where).toBeInstanceOf(WrongKeyError);
      else if (byte >= finalLengthStart && byte < finalLengthEnd)
        expect(error, where).toSatisfy(
          (e) => e instanceof TamperedEnvelopeError || e instanceof TruncatedEnvelopeError,
        );
      else expect(error, where).toBeInstanceOf(TamperedEnvelopeError);
    }
  });

  it("a flipped bit in random envelopes always throws an EnvelopeError (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 48 }),
        fc.nat(),
        async (length, size, bitSeed) => {
          const key = generateDataKey();
          const sealed = await encryptEnvelope(patternBytes(length, bitSeed + 1), {
            dataKey: key,
            context,
            chunkSize: size,
          });
          const bit = bitSeed % (sealed.length * 8);
          sealed[bit >> 3] = (sealed[bit >> 3] as number) ^ (1 << (bit & 7));
          expect(await decryptError(sealed, key)).toBeInstanceOf(EnvelopeError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a streaming decrypt emits only verified chunks, then errors instead of closing", async () => {
    const tampered = envelope.slice();
    tampered[HEADER + 2 * 40 + 10] = (tampered[HEADER + 2 * 40 + 10] as number) ^ 1; // inside chunk 2
    const reader = decryptStream([tampered], { dataKey, context }).getReader();
    const emitted: Uint8Array[] = [];
    const failure = await (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return new Error("the stream closed normally");
        emitted.push(value);
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TamperedEnvelopeError);
    expect((failure as TamperedEnvelopeError).chunkIndex).toBe(2);
    expect(emitted.map(hex)).toEqual([hex(plaintext.subarray(0, 16)), hex(plaintext.subarray(16, 32))]);
  });

  it("a wrong context emits nothing at all, even from a streaming decrypt", async () => {
    const reader = decryptStream([envelope], { dataKey, context: { ...context, subject: otherAddress } }).getReader();
    await expect(reader.read()).rejects.toBeInstanceOf(WrongContextError);
  });

  it("reads the header of a short input as truncated, and of foreign bytes as malformed", () => {
    expect(() => readEnvelopeHeader(envelope.subarray(0, 50))).toThrow(TruncatedEnvelopeError);
    expect(() => readEnvelopeHeader(new Uint8Array([1, 2, 3]))).toThrow(MalformedEnvelopeError);
  });
});
