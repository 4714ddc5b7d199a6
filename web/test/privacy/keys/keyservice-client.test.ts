import {
  CHALLENGE_STATEMENT,
  keyResource,
  STORE_CHALLENGE_STATEMENT,
  storeResource,
} from "@onekey/keyservice-protocol";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";
import {
  KeyAccessAuthError,
  KeyAccessConditionError,
  KeyAccessDeniedError,
  KeyAccessUnavailableError,
  ProtectedKeyInvalidError,
} from "../../../src/privacy/keys/errors.js";
import type { ProtectedKey } from "../../../src/privacy/keys/key-access.js";
import { KeyServiceKeyAccess } from "../../../src/privacy/keys/keyservice-key-access.js";
import { condition, testPrivateKey } from "./fixtures.js";

const url = "http://127.0.0.1:4010";
const keyId = "0123456789abcdef0123456789abcdef";
const account = privateKeyToAccount(testPrivateKey);
const blob: ProtectedKey = { v: 1, scheme: "keyservice", condition, keyservice: { url, keyId } };

function challenge(overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}): string {
  return createSiweMessage({
    address: account.address,
    chainId: condition.chainId,
    domain: "localhost:5173",
    uri: "http://localhost:5173",
    version: "1",
    nonce: "abcdef0123456789",
    statement: CHALLENGE_STATEMENT,
    resources: [keyResource(keyId)],
    ...overrides,
  });
}

/** A scripted key service: answers each path with the given status and JSON, and records requests. */
function fakeService(answers: Record<string, [number, unknown]>) {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const fetchFn = async (input: string | URL | Request, init?: RequestInit) => {
    const path = String(input).slice(url.length);
    requests.push({ path, body: JSON.parse(String(init?.body)) });
    const [status, body] = answers[path] ?? [500, { error: "InternalError", message: "unscripted" }];
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  return { requests, fetch: fetchFn as typeof fetch };
}

function client(service: { fetch: typeof fetch }) {
  return new KeyServiceKeyAccess({ url, domain: "localhost:5173", uri: "http://localhost:5173", fetch: service.fetch });
}

describe("KeyServiceKeyAccess", () => {
  const storeChallenge = (overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) =>
    challenge({ statement: STORE_CHALLENGE_STATEMENT, resources: [storeResource(condition)], ...overrides });

  it("protects: asks a store challenge for the owner, signs it, and stores the key under the condition", async () => {
    const message = storeChallenge();
    const service = fakeService({
      "/v1/keys/challenge": [200, { message, expiresAt: "2030-01-01T00:00:00Z" }],
      "/v1/keys": [201, { keyId }],
    });
    const dataKey = new Uint8Array(32).fill(0xab);
    expect(await client(service).protect(dataKey, condition, account)).toEqual(blob);
    expect(service.requests).toEqual([
      {
        path: "/v1/keys/challenge",
        // Only who signs and for what: the service, not the page, decides the SIWE domain and uri.
        body: { address: account.address, condition },
      },
      {
        path: "/v1/keys",
        body: {
          condition,
          dataKey: btoa("\xab".repeat(32)),
          message,
          signature: await account.signMessage({ message }),
        },
      },
    ]);
  });

  it("refuses to protect without an owner to sign, before asking the service anything", async () => {
    const service = fakeService({});
    await expect(client(service).protect(new Uint8Array(32), condition)).rejects.toBeInstanceOf(KeyAccessAuthError);
    expect(service.requests).toEqual([]);
  });

  const forgedStores: [string, string][] = [
    ["a release instead of a store", storeChallenge({ statement: CHALLENGE_STATEMENT })],
    ["another uid", storeChallenge({ resources: [storeResource({ ...condition, uid: `0x${"ee".repeat(32)}` })] })],
    ["another account", storeChallenge({ address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" })],
    ["another site", storeChallenge({ domain: "evil.example", uri: "https://evil.example" })],
  ];
  for (const [what, message] of forgedStores) {
    it(`refuses to sign a store challenge for ${what}`, async () => {
      let signed = false;
      const owner = {
        address: account.address,
        signMessage: async () => {
          signed = true;
          return "0x" as const;
        },
      };
      const service = fakeService({ "/v1/keys/challenge": [200, { message, expiresAt: "" }] });
      await expect(client(service).protect(new Uint8Array(32), condition, owner)).rejects.toBeInstanceOf(
        KeyAccessAuthError,
      );
      expect(signed).toBe(false);
      expect(service.requests).toHaveLength(1);
    });
  }

  const storeFailures: [number, string, new (...args: never[]) => Error][] = [
    [403, "StoreNotAllowed", KeyAccessDeniedError],
    [409, "KeyExists", KeyAccessConditionError],
    [401, "SignatureInvalid", KeyAccessAuthError],
    [400, "RequestInvalid", KeyAccessConditionError],
  ];
  for (const [status, code, errorClass] of storeFailures) {
    it(`maps ${status} ${code} on store to ${errorClass.name}`, async () => {
      const service = fakeService({
        "/v1/keys/challenge": [200, { message: storeChallenge(), expiresAt: "" }],
        "/v1/keys": [status, { error: code, message: `service says ${code}` }],
      });
      const error = await client(service)
        .protect(new Uint8Array(32), condition, account)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect((error as Error).message).toContain(`service says ${code}`);
    });
  }

  it("unlocks: asks a challenge for the requester, signs it, and returns the released key", async () => {
    const message = challenge();
    const service = fakeService({
      [`/v1/keys/${keyId}/challenge`]: [200, { message, expiresAt: "2030-01-01T00:00:00Z" }],
      [`/v1/keys/${keyId}/release`]: [200, { dataKey: btoa("\x07".repeat(32)) }],
    });
    expect(await client(service).unlock(blob, account)).toEqual(new Uint8Array(32).fill(7));
    expect(service.requests[0]?.body).toEqual({ address: account.address });
    expect(service.requests[1]?.body).toEqual({ message, signature: await account.signMessage({ message }) });
  });

  const forged: [string, string][] = [
    ["another account", challenge({ address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" })],
    ["another site", challenge({ domain: "evil.example", uri: "https://evil.example" })],
    ["another key", challenge({ resources: [keyResource("f".repeat(32))] })],
    ["another chain", challenge({ chainId: 1 })],
    ["a different statement", challenge({ statement: "Sign in to Evil" })],
  ];
  for (const [what, message] of forged) {
    it(`refuses to sign a challenge for ${what}`, async () => {
      let signed = false;
      const signer = {
        address: account.address,
        signMessage: async () => {
          signed = true;
          return "0x" as const;
        },
      };
      const service = fakeService({ [`/v1/keys/${keyId}/challenge`]: [200, { message, expiresAt: "" }] });
      await expect(client(service).unlock(blob, signer)).rejects.toBeInstanceOf(KeyAccessAuthError);
      expect(signed).toBe(false);
      expect(service.requests).toHaveLength(1);
    });
  }

  const failures: [number, string, new (...args: never[]) => Error][] = [
    [403, "ConditionNotMet", KeyAccessDeniedError],
    [401, "SignatureInvalid", KeyAccessAuthError],
    [401, "ChallengeInvalid", KeyAccessAuthError],
    [404, "KeyNotFound", ProtectedKeyInvalidError],
    [400, "ChainNotSupported", KeyAccessConditionError],
    [400, "RegistryNotSupported", KeyAccessConditionError],
    [503, "ChainUnavailable", KeyAccessUnavailableError],
    [429, "TooManyChallenges", KeyAccessUnavailableError],
  ];
  for (const [status, code, errorClass] of failures) {
    it(`maps ${status} ${code} on release to ${errorClass.name}`, async () => {
      const service = fakeService({
        [`/v1/keys/${keyId}/challenge`]: [200, { message: challenge(), expiresAt: "" }],
        [`/v1/keys/${keyId}/release`]: [status, { error: code, message: `service says ${code}` }],
      });
      const error = await client(service)
        .unlock(blob, account)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect((error as Error).message).toContain(`service says ${code}`);
    });
  }

  it("reports an unreachable service, a declining wallet and a blob for another service", async () => {
    const down = { fetch: (async () => Promise.reject(new TypeError("fetch failed"))) as typeof fetch };
    await expect(client(down).protect(new Uint8Array(32), condition, account)).rejects.toBeInstanceOf(
      KeyAccessUnavailableError,
    );

    const service = fakeService({ [`/v1/keys/${keyId}/challenge`]: [200, { message: challenge(), expiresAt: "" }] });
    const declining = { address: account.address, signMessage: () => Promise.reject(new Error("User rejected")) };
    await expect(client(service).unlock(blob, declining)).rejects.toBeInstanceOf(KeyAccessAuthError);

    const elsewhere: ProtectedKey = { ...blob, keyservice: { url: "http://127.0.0.1:9999", keyId } } as ProtectedKey;
    await expect(client(service).unlock(elsewhere, account)).rejects.toThrow(/held by http:\/\/127\.0\.0\.1:9999/);
  });
});
