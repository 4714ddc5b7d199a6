import { DecryptRequestSchema, EncryptRequestSchema } from "@lit-protocol/schemas";
import { kycRegistryAbi } from "@onekey/deploy";
import { verifyMessage } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { buildCanDecryptConditions, canDecryptFunctionAbi } from "../src/conditions.js";
import { LitAccessError } from "../src/errors.js";
import { type LitClientPort, LitKeyProtector } from "../src/lit-key-protector.js";

const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const uid = `0x${"70997970c51812dc3a010c7d01b50e0d17dc79c8"}${"0".repeat(23)}1` as const;
const condition = { chainId: 84532, registry, uid } as const;
// Hardhat's well-known test account #1: a throwaway key, never funded anywhere real.
const reader = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const blockhash = `0x${"ab".repeat(32)}`;

/** Records what the adapter asks of Lit; answers like a Lit client would. */
function fakeLitClient(overrides: Partial<LitClientPort> = {}) {
  const calls: { encrypt: unknown[]; decrypt: Record<string, unknown>[] } = { encrypt: [], decrypt: [] };
  const client: LitClientPort = {
    async encrypt(params) {
      calls.encrypt.push(params);
      return { ciphertext: "bGl0LWNpcGhlcnRleHQ=", dataToEncryptHash: "ab".repeat(32) };
    },
    async decrypt(params) {
      calls.decrypt.push(params);
      return { decryptedData: new Uint8Array(32).fill(7) };
    },
    async getContext() {
      return { latestBlockhash: blockhash };
    },
    ...overrides,
  };
  return { client, calls };
}

const protector = (client: LitClientPort, network = "naga-test") =>
  new LitKeyProtector({ litClient: client, network, domain: "app.onekey.test" });

describe("Lit condition", () => {
  it("calls canDecrypt(:userAddress, uid) on the registry and requires true", async () => {
    expect(await buildCanDecryptConditions(condition)).toEqual([
      {
        conditionType: "evmContract",
        contractAddress: registry,
        chain: "baseSepolia",
        functionName: "canDecrypt",
        functionParams: [":userAddress", uid],
        functionAbi: canDecryptFunctionAbi,
        returnValueTest: { key: "", comparator: "=", value: "true" },
      },
    ]);
  });

  it("uses exactly the deployed registry's canDecrypt ABI", () => {
    const deployed = kycRegistryAbi.find((item) => item.type === "function" && item.name === "canDecrypt");
    expect(canDecryptFunctionAbi).toEqual(deployed);
  });

  it("refuses chains Lit cannot read and malformed values", async () => {
    await expect(buildCanDecryptConditions({ ...condition, chainId: 31337 })).rejects.toMatchObject({
      kind: "unsupported-chain",
      message: "chain 31337 is not one Lit evaluates conditions on",
    });
    await expect(buildCanDecryptConditions({ ...condition, uid: "0x1234" })).rejects.toMatchObject({
      kind: "invalid-condition",
    });
    await expect(buildCanDecryptConditions({ ...condition, registry: "0xnope" })).rejects.toMatchObject({
      kind: "invalid-condition",
    });
  });
});

describe("LitKeyProtector", () => {
  it("protects: sends Lit a request its own schema accepts, and keeps only public data", async () => {
    const { client, calls } = fakeLitClient();
    const dataKey = new Uint8Array(32).fill(9);
    const blob = await protector(client).protect(dataKey, condition);
    expect(calls.encrypt).toHaveLength(1);
    expect(EncryptRequestSchema.safeParse(calls.encrypt[0]).success).toBe(true);
    expect(calls.encrypt[0]).toMatchObject({ dataToEncrypt: dataKey, chain: "baseSepolia" });
    expect(blob).toEqual({
      network: "naga-test",
      chain: "baseSepolia",
      ciphertext: "bGl0LWNpcGhlcnRleHQ=",
      dataToEncryptHash: "ab".repeat(32),
      conditionsHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(blob)).not.toContain("090909");
  });

  it("unlocks with a session signed by the requester's EOA (Lit's :userAddress)", async () => {
    const { client, calls } = fakeLitClient();
    const lit = protector(client);
    const blob = await lit.protect(new Uint8Array(32), condition);
    const key = await lit.unlock(blob, condition, reader);
    expect(key).toEqual(new Uint8Array(32).fill(7));

    const request = calls.decrypt[0] as Record<string, unknown>;
    expect(DecryptRequestSchema.safeParse(request).success).toBe(true);
    expect(request).toMatchObject({
      ciphertext: blob.ciphertext,
      dataToEncryptHash: blob.dataToEncryptHash,
      chain: "baseSepolia",
    });
    const authSig = JSON.parse((request.authContext as { authData: { accessToken: string } }).authData.accessToken);
    expect(authSig.address).toBe(reader.address);
    expect(authSig.signedMessage).toContain("app.onekey.test wants you to sign in with your Ethereum account:");
    expect(authSig.signedMessage).toContain(`Nonce: ${blockhash}`);
    expect(
      await verifyMessage({ address: reader.address, message: authSig.signedMessage, signature: authSig.sig }),
    ).toBe(true);
  });

  it("refuses a blob made for another uid or another Lit network before asking Lit", async () => {
    const { client, calls } = fakeLitClient();
    const blob = await protector(client).protect(new Uint8Array(32), condition);
    const otherUid = `${uid.slice(0, -1)}2` as `0x${string}`;
    await expect(protector(client).unlock(blob, { ...condition, uid: otherUid }, reader)).rejects.toMatchObject({
      kind: "mismatch",
    });
    await expect(protector(client, "naga").unlock(blob, condition, reader)).rejects.toMatchObject({ kind: "mismatch" });
    expect(calls.decrypt).toHaveLength(0);
  });

  const nodeFailures: [string, unknown, string][] = [
    [
      "condition false",
      Object.assign(new Error("NodeAccessControlConditionsReturnedNotAuthorized"), { name: "NodeError" }),
      "denied",
    ],
    ["quorum lost", Object.assign(new Error("Not enough nodes responded"), { name: "NetworkError" }), "unavailable"],
    ["offline", new TypeError("fetch failed"), "unavailable"],
    ["wallet declined", new Error("User rejected the request."), "auth"],
    ["unexpected", new Error("something else entirely"), "failed"],
  ];
  for (const [what, thrown, kind] of nodeFailures) {
    it(`maps a Lit failure (${what}) to kind "${kind}"`, async () => {
      const { client } = fakeLitClient({
        decrypt: async () => {
          throw thrown;
        },
      });
      const lit = protector(client);
      const blob = await lit.protect(new Uint8Array(32), condition);
      const error = await lit.unlock(blob, condition, reader).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LitAccessError);
      expect(error).toMatchObject({ kind, cause: thrown });
    });
  }

  it("maps an encryption failure and refuses a key that is not 32 bytes", async () => {
    const { client } = fakeLitClient({
      encrypt: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(protector(client).protect(new Uint8Array(32), condition)).rejects.toMatchObject({
      kind: "unavailable",
    });
    await expect(protector(client).protect(new Uint8Array(31), condition)).rejects.toMatchObject({
      kind: "invalid-condition",
    });
  });

  it("rejects a Lit answer that is not a data key", async () => {
    const { client } = fakeLitClient({ decrypt: async () => ({ decryptedData: new Uint8Array(5) }) });
    const lit = protector(client);
    const blob = await lit.protect(new Uint8Array(32), condition);
    await expect(lit.unlock(blob, condition, reader)).rejects.toMatchObject({ kind: "failed" });
  });
});
