import fc from "fast-check";
import { keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { decryptEnvelope } from "../../../src/privacy/envelope/decrypt.js";
import { encryptEnvelope, encryptStream } from "../../../src/privacy/envelope/encrypt.js";
import { ciphertextHash } from "../../../src/privacy/envelope/hash.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import vectorFile from "../../../src/privacy/envelope/test-vectors.json";
import { context, patternBytes, readAll } from "./fixtures.js";
import { buildVectorFile, referenceDecrypt, referenceEncrypt } from "./reference-node.js";

// The reference decoder in reference-node.ts is written from FORMAT.md with node:crypto only.
const referenceContext = { ...context, chainId: BigInt(context.chainId) };

describe("independent implementation from FORMAT.md (node:crypto)", () => {
  it("reproduces the committed known-answer vectors", async () => {
    expect(await buildVectorFile(keccak256)).toEqual(vectorFile);
  });

  it("decrypts envelopes the module produced, of random sizes and chunk sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 2048 }),
        async (length, chunkSize) => {
          const dataKey = generateDataKey();
          const plaintext = patternBytes(length, length + chunkSize);
          const envelope = await encryptEnvelope(plaintext, { dataKey, context, chunkSize });
          const opened = referenceDecrypt(Buffer.from(envelope), Buffer.from(dataKey));
          expect(opened.plaintext.equals(Buffer.from(plaintext))).toBe(true);
          expect(opened.context).toEqual({
            chainId: 31337n,
            registry: context.registry.toLowerCase(),
            subject: context.subject.toLowerCase(),
            schemaVersion: 1,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("decrypts a 5 MiB streamed envelope with default chunks, and the module opens the reference's", async () => {
    const dataKey = generateDataKey();
    const plaintext = patternBytes(5 * 2 ** 20 + 123);
    const envelope = await readAll(encryptStream([plaintext], { dataKey, context }));
    expect(referenceDecrypt(Buffer.from(envelope), Buffer.from(dataKey)).plaintext.equals(Buffer.from(plaintext))).toBe(
      true,
    );

    const prefix = Buffer.from("0011223344556677", "hex");
    const reference = referenceEncrypt(Buffer.from(plaintext), Buffer.from(dataKey), prefix, 2 ** 20, referenceContext);
    const opened = await decryptEnvelope(new Uint8Array(reference), { dataKey, context });
    expect(Buffer.from(opened).equals(Buffer.from(plaintext))).toBe(true);
    expect(await ciphertextHash(new Uint8Array(reference))).toBe(keccak256(reference));
  });

  it("the reference refuses what the module refuses: wrong key, flipped bit, truncation", async () => {
    const dataKey = generateDataKey();
    const envelope = Buffer.from(await encryptEnvelope(patternBytes(100), { dataKey, context, chunkSize: 32 }));
    expect(() => referenceDecrypt(envelope, Buffer.from(generateDataKey()))).toThrow("wrong key");
    const flipped = Buffer.from(envelope);
    flipped[150] = (flipped[150] as number) ^ 0x40;
    expect(() => referenceDecrypt(flipped, Buffer.from(dataKey))).toThrow(/unable to authenticate/);
    expect(() => referenceDecrypt(envelope.subarray(0, envelope.length - 30), Buffer.from(dataKey))).toThrow(
      "truncated",
    );
  });
});
