import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { decryptEnvelope, readEnvelopeHeader } from "../../../src/privacy/envelope/decrypt.js";
import { encryptStreamWithNoncePrefix } from "../../../src/privacy/envelope/encrypt.js";
import type { EnvelopeContext } from "../../../src/privacy/envelope/format.js";
import { ciphertextHash } from "../../../src/privacy/envelope/hash.js";
import vectorFile from "../../../src/privacy/envelope/test-vectors.json";
import { fromHex, hex, readAll } from "./fixtures.js";

const dataKey = fromHex(vectorFile.dataKey);
const noncePrefix = fromHex(vectorFile.noncePrefix);
const context: EnvelopeContext = {
  ...vectorFile.context,
  chainId: BigInt(vectorFile.context.chainId),
  registry: vectorFile.context.registry as Address,
  subject: vectorFile.context.subject as Address,
};

describe("known-answer vectors (test-vectors.json)", () => {
  it("covers empty, short, full, multi-chunk and 1 MiB-chunk records", () => {
    expect(vectorFile.vectors.map((v) => v.name)).toEqual([
      "empty record",
      "one short chunk",
      "exactly one full chunk",
      "three chunks, short last",
      "1 MiB chunks",
    ]);
  });

  for (const vector of vectorFile.vectors) {
    describe(vector.name, () => {
      it("encrypts to the exact envelope bytes", async () => {
        const stream = encryptStreamWithNoncePrefix(
          [fromHex(vector.plaintext)],
          { dataKey, context, chunkSize: vector.chunkSize },
          noncePrefix,
        );
        expect(hex(await readAll(stream))).toBe(vector.envelope);
      });

      it("decrypts to the plaintext", async () => {
        const plaintext = await decryptEnvelope(fromHex(vector.envelope), { dataKey, context });
        expect(hex(plaintext)).toBe(vector.plaintext);
      });

      it("hashes to the ciphertextHash", async () => {
        expect(await ciphertextHash(fromHex(vector.envelope))).toBe(vector.ciphertextHash);
      });

      it("exposes its header without the key", () => {
        const header = readEnvelopeHeader(fromHex(vector.envelope));
        expect(header).toMatchObject({ version: 1, suite: 1, chunkSize: vector.chunkSize, context });
        expect(hex(header.noncePrefix)).toBe(vectorFile.noncePrefix);
        expect(hex(header.keyCommitment)).toBe(vectorFile.derived.keyCommitment);
      });
    });
  }
});
