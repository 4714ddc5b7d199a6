import { verifyMessage } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseSiweMessage } from "viem/siwe";
import { describe, expect, it, vi } from "vitest";
import { DashboardApi, type LoginResult, type SiweNonce } from "./api.js";
import { SignInPlaceError } from "./errors.js";
import { readStoredSession, signInWithWallet, siweDomain, storeSession } from "./sign-in.js";

const page = { host: "localhost:5173", hostname: "localhost", origin: "http://localhost:5173" };

function fakeApi(nonce: Partial<SiweNonce> = {}) {
  const api = new DashboardApi("http://api.test");
  const logins: { message: string; signature: string }[] = [];
  api.nonce = async () => ({
    nonce: "abcdefgh12345678",
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
    domain: "localhost",
    chainId: 31337,
    ...nonce,
  });
  api.login = async (message, signature) => {
    logins.push({ message, signature });
    return { token: "oks_x", address: "0xabc", expiresAt: new Date().toISOString(), projects: [] } as LoginResult;
  };
  return { api, logins };
}

describe("dashboard sign-in (EIP-4361)", () => {
  it("signs the API's nonce for this page and chain, and sends message and signature to the API", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const { api, logins } = fakeApi();
    await signInWithWallet(api, account, { chainId: 31337, page });
    expect(logins).toHaveLength(1);
    const [{ message, signature }] = logins as [{ message: string; signature: `0x${string}` }];
    const fields = parseSiweMessage(message);
    expect(fields).toMatchObject({
      address: account.address,
      chainId: 31337,
      domain: "localhost",
      nonce: "abcdefgh12345678",
      uri: "http://localhost:5173/dashboard",
      version: "1",
    });
    expect(fields.expirationTime?.getTime()).toBeGreaterThan(Date.now());
    expect(await verifyMessage({ address: account.address, message, signature })).toBe(true);
  });

  it("refuses, before the wallet is asked, an API that signs in for another site or chain", async () => {
    const signer = { address: privateKeyToAccount(generatePrivateKey()).address, signMessage: vi.fn() };
    const other = fakeApi({ domain: "evil.example" });
    await expect(signInWithWallet(other.api, signer, { chainId: 31337, page })).rejects.toBeInstanceOf(
      SignInPlaceError,
    );
    const chain = fakeApi({ chainId: 8453 });
    await expect(signInWithWallet(chain.api, signer, { chainId: 31337, page })).rejects.toBeInstanceOf(
      SignInPlaceError,
    );
    expect(signer.signMessage).not.toHaveBeenCalled();
    expect(other.logins.length + chain.logins.length).toBe(0);
  });

  it("takes the page's host, or its hostname when the API names no port", () => {
    expect(siweDomain("localhost:5173", page)).toBe("localhost:5173");
    expect(siweDomain("localhost", page)).toBe("localhost");
    expect(() => siweDomain("localhost:4000", page)).toThrow(SignInPlaceError);
    expect(() => siweDomain("dashboard.onekey.example", page)).toThrow(/this page is localhost:5173/);
  });
});

class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

describe("the tab's stored session", () => {
  const address = "0x1111111111111111111111111111111111111111";
  const later = new Date(Date.now() + 3_600_000).toISOString();

  it("is kept for the same account until it expires, and dropped for another account or when expired", () => {
    const storage = new MemoryStorage();
    storeSession(storage, { token: "oks_a", address, expiresAt: later });
    expect(readStoredSession(storage, address.toUpperCase().replace("0X", "0x"))?.token).toBe("oks_a");
    expect(readStoredSession(storage, "0x2222222222222222222222222222222222222222")).toBeUndefined();
    // Dropped from storage too: the other account's tab never sees it again.
    expect(readStoredSession(storage, address)).toBeUndefined();

    storeSession(storage, { token: "oks_b", address, expiresAt: later });
    expect(readStoredSession(storage, address, new Date(Date.parse(later) + 1))).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it("keeps the session while the wallet is still reconnecting (no address yet)", () => {
    const storage = new MemoryStorage();
    storeSession(storage, { token: "oks_c", address, expiresAt: later });
    expect(readStoredSession(storage, undefined)).toBeUndefined();
    expect(readStoredSession(storage, address)?.token).toBe("oks_c");
  });

  it("treats unreadable storage as no session", () => {
    const storage = new MemoryStorage();
    storage.setItem("onekey.dashboard.session", "{not json");
    expect(readStoredSession(storage, address)).toBeUndefined();
    expect(storage.length).toBe(0);
  });
});
