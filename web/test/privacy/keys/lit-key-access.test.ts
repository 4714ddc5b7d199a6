import { describe, expect, it } from "vitest";
import {
  KeyAccessAuthError,
  KeyAccessConditionError,
  KeyAccessDeniedError,
  KeyAccessUnavailableError,
  ProtectedKeyInvalidError,
} from "../../../src/privacy/keys/errors.js";
import type { ProtectedKey } from "../../../src/privacy/keys/key-access.js";
import { LitKeyAccess, type LitProtectorPort } from "../../../src/privacy/keys/lit-key-access.js";
import { condition } from "./fixtures.js";

const litBlob = { network: "naga", chain: "base", ciphertext: "abc=", dataToEncryptHash: "00", conditionsHash: "0x01" };
const signer = {
  address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  signMessage: async () => "0x" as const,
} as const;

function protector(failure?: unknown): LitProtectorPort & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    async protect(...args) {
      calls.push(["protect", ...args]);
      if (failure) throw failure;
      return litBlob;
    },
    async unlock(...args) {
      calls.push(["unlock", ...args]);
      if (failure) throw failure;
      return new Uint8Array(32).fill(1);
    },
  };
}

describe("LitKeyAccess (over the lit-access protector)", () => {
  it("wraps Lit's blob with the condition, and unlocks it with the requester's signer", async () => {
    const port = protector();
    const access = new LitKeyAccess(port);
    const blob = await access.protect(new Uint8Array(32), condition);
    expect(blob).toEqual({ v: 1, scheme: "lit", condition, lit: litBlob });
    expect(await access.unlock(blob, signer)).toEqual(new Uint8Array(32).fill(1));
    expect(port.calls[1]).toEqual(["unlock", litBlob, condition, signer]);
  });

  const kinds: [string, new (...args: never[]) => Error][] = [
    ["denied", KeyAccessDeniedError],
    ["auth", KeyAccessAuthError],
    ["mismatch", ProtectedKeyInvalidError],
    ["invalid-condition", KeyAccessConditionError],
    ["unsupported-chain", KeyAccessConditionError],
    ["unavailable", KeyAccessUnavailableError],
    ["failed", KeyAccessUnavailableError],
  ];
  for (const [kind, errorClass] of kinds) {
    it(`maps Lit's "${kind}" to ${errorClass.name}, keeping the cause`, async () => {
      const failure = Object.assign(new Error(`lit says ${kind}`), { kind });
      const access = new LitKeyAccess(protector(failure));
      const error = await access.protect(new Uint8Array(32), condition).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject({ message: `lit says ${kind}`, cause: failure });
    });
  }

  it("refuses a key-service blob without asking Lit", async () => {
    const port = protector();
    const blob: ProtectedKey = {
      v: 1,
      scheme: "keyservice",
      condition,
      keyservice: { url: "http://127.0.0.1:1", keyId: "0".repeat(32) },
    };
    await expect(new LitKeyAccess(port).unlock(blob, signer)).rejects.toBeInstanceOf(ProtectedKeyInvalidError);
    expect(port.calls).toHaveLength(0);
  });
});
