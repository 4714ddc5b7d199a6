import { describe, expect, it } from "vitest";
import { ProtectedKeyInvalidError } from "../../../src/privacy/keys/errors.js";
import type { ProtectedKey } from "../../../src/privacy/keys/key-access.js";
import { decodeProtectedKey, encodeProtectedKey, sameCondition } from "../../../src/privacy/keys/protected-key.js";
import { condition } from "./fixtures.js";

const lit: ProtectedKey = {
  v: 1,
  scheme: "lit",
  condition,
  lit: { network: "naga", chain: "base", ciphertext: "abc=", dataToEncryptHash: "00", conditionsHash: "0x00" },
};
const local: ProtectedKey = {
  v: 1,
  scheme: "keyservice",
  condition,
  keyservice: { url: "http://127.0.0.1:4010", keyId: "0123456789abcdef0123456789abcdef" },
};

describe("protected key blob", () => {
  it("round-trips both schemes and fits an ANS-104 tag value", () => {
    for (const blob of [lit, local]) {
      const bytes = encodeProtectedKey(blob);
      expect(bytes.length).toBeLessThan(3072);
      expect(decodeProtectedKey(bytes)).toEqual(blob);
    }
  });

  it("refuses malformed blobs with ProtectedKeyInvalidError saying what is wrong", () => {
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0xff, 0xfe]), /not UTF-8 JSON/],
      [encode({ ...local, v: 2 }), /unsupported protected key version 2/],
      [encode({ ...local, scheme: "vault" }), /unknown protected key scheme vault/],
      [encode({ ...local, condition: { ...condition, uid: "0x12" } }), /condition is malformed/],
      [encode({ ...local, keyservice: { url: "http://x", keyId: "../../etc" } }), /keyId is missing or malformed/],
      [encode({ ...lit, lit: { ...lit.lit, ciphertext: undefined } }), /lit\.ciphertext is missing/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeProtectedKey(bytes)).toThrow(ProtectedKeyInvalidError);
      expect(() => decodeProtectedKey(bytes)).toThrow(message);
    }
  });

  it("compares conditions regardless of hex case", () => {
    expect(
      sameCondition(condition, { ...condition, registry: condition.registry.toLowerCase() as `0x${string}` }),
    ).toBe(true);
    expect(sameCondition(condition, { ...condition, chainId: 8453 })).toBe(false);
  });
});
