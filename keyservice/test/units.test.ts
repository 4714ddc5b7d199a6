import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base64ToBytes, bytesToBase64, keyResource } from "@onekey/keyservice-protocol";
import { parseSiweMessage } from "viem/siwe";
import { afterAll, describe, expect, it } from "vitest";
import { ChallengeBook, ChallengeLimitError } from "../src/challenges.js";
import { configFromEnv, parseConfig } from "../src/config.js";
import { FileKeyStore, KeyWrapper, loadMasterKey, MemoryKeyStore } from "../src/key-store.js";

const condition = {
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  uid: `0x${"11".repeat(32)}`,
} as const;
const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const scratch = mkdtempSync(join(tmpdir(), "onekey-keyservice-unit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("configuration", () => {
  const chains = { "31337": { rpcUrl: "http://127.0.0.1:8545", registry: condition.registry } };
  /** A deployment book holding a local entry, as `npm run dev` and startLocalChain write it. */
  const book = (contracts: Record<string, { address: string; startBlock: number }>) => {
    const dir = mkdtempSync(join(scratch, "book-"));
    writeFileSync(join(dir, "local.json"), JSON.stringify({ network: "local", chainId: 31337, contracts }));
    return dir;
  };
  const localBook = book({ KycRegistry: { address: condition.registry, startBlock: 3 } });

  it("reads the KycRegistry and chain id from the deployment book, and applies defaults", () => {
    expect(configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook })).toEqual({
      host: "127.0.0.1",
      port: 0,
      chains,
      dappOrigin: "http://localhost:5173",
      challengeTtlSeconds: 300,
    });
    expect(
      configFromEnv({
        ONEKEY_DEPLOY_BOOK_DIR: localBook,
        ONEKEY_RPC_URL: "http://127.0.0.1:9545",
        ONEKEY_KEYSERVICE_PORT: "4010",
        ONEKEY_KEYSERVICE_DAPP_ORIGIN: "https://app.onekey.test/",
        // Empty means unset, as the indexer reads its variables.
        ONEKEY_KEYSERVICE_DATA_DIR: "",
      }),
    ).toMatchObject({
      port: 4010,
      chains: { "31337": { rpcUrl: "http://127.0.0.1:9545", registry: condition.registry } },
      dappOrigin: "https://app.onekey.test",
      dataDir: undefined,
    });
  });

  it("reports releases to the audit trail only with both the URL and the token", () => {
    const token = "ingest-token-of-the-tenant-api-0123456789";
    expect(
      configFromEnv({
        ONEKEY_DEPLOY_BOOK_DIR: localBook,
        ONEKEY_KEYSERVICE_AUDIT_URL: "http://127.0.0.1:42069",
        ONEKEY_KEYSERVICE_AUDIT_TOKEN: token,
      }).audit,
    ).toEqual({ url: "http://127.0.0.1:42069", token });
    expect(() =>
      configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook, ONEKEY_KEYSERVICE_AUDIT_URL: "http://127.0.0.1:42069" }),
    ).toThrow(/ONEKEY_KEYSERVICE_AUDIT_URL and ONEKEY_KEYSERVICE_AUDIT_TOKEN go together/);
    expect(() =>
      configFromEnv({
        ONEKEY_DEPLOY_BOOK_DIR: localBook,
        ONEKEY_KEYSERVICE_AUDIT_URL: "http://127.0.0.1:42069",
        ONEKEY_KEYSERVICE_AUDIT_TOKEN: "short",
      }),
    ).toThrow(/audit\.token: at least 32 characters/);
  });

  it("fails fast naming what is wrong", () => {
    expect(() => configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: join(scratch, "no-book") })).toThrow(
      /No OneKey deployment for local .*run `npm run dev` first/,
    );
    expect(() => configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: book({}) })).toThrow(/KycRegistry is not deployed on local/);
    expect(() => configFromEnv({ ONEKEY_NETWORK: "mainnet" })).toThrow(/ONEKEY_NETWORK must be one of local/);
    // A stand-in for Lit: it refuses every network but the local one, whatever else is set.
    for (const network of ["baseSepolia", "base"]) {
      expect(() =>
        configFromEnv({
          ONEKEY_NETWORK: network,
          ONEKEY_RPC_URL: "https://rpc.example",
          ONEKEY_DEPLOY_BOOK_DIR: localBook,
        }),
      ).toThrow(/runs on the local network only/);
    }
    expect(() => configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook, ONEKEY_RPC_URL: "ftp://x" })).toThrow(
      /ONEKEY_RPC_URL must be an http\(s\) URL/,
    );
    expect(() => configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook, ONEKEY_KEYSERVICE_PORT: "70000" })).toThrow(/port/);
    expect(() => parseConfig({ chains: { "31337": { rpcUrl: "ftp://x", registry: condition.registry } } })).toThrow(
      /chains\.31337\.rpcUrl/,
    );
    expect(() => parseConfig({ chains: { "31337": { rpcUrl: "http://x", registry: "0x12" } } })).toThrow(
      /chains\.31337\.registry: an address/,
    );
    expect(() => parseConfig({ chains, masterKey: "abc" })).toThrow(/masterKey: 32 bytes of hex/);
    expect(() => parseConfig({ chains, port: 70_000 })).toThrow(/port/);
    expect(() => parseConfig({ chains, dappOrigin: "https://app.example/login" })).toThrow(/dappOrigin: an origin/);
    expect(() => parseConfig({ chains, dappOrigin: "app.example" })).toThrow(/dappOrigin/);
  });

  it("refuses the KEYSERVICE_* names of before, rather than ignoring a master key set under one", () => {
    // Ignored, KEYSERVICE_MASTER_KEY would leave the service wrapping keys under a new master key
    // that the next start cannot unwrap.
    expect(() => configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook, KEYSERVICE_MASTER_KEY: "ab".repeat(32) })).toThrow(
      /KEYSERVICE_MASTER_KEY is now ONEKEY_KEYSERVICE_MASTER_KEY/,
    );
    expect(() =>
      configFromEnv({ ONEKEY_DEPLOY_BOOK_DIR: localBook, KEYSERVICE_CHAINS: JSON.stringify(chains) }),
    ).toThrow(/KEYSERVICE_CHAINS is gone: the KycRegistry comes from the deployment book/);
  });
});

describe("key wrapping at rest", () => {
  const wrapper = new KeyWrapper(Buffer.alloc(32, 5));
  const dataKey = new Uint8Array(32).fill(0xee);

  it("round-trips a key, bound to its id and condition", () => {
    const record = {
      keyId: "a".repeat(32),
      condition,
      wrappedKey: wrapper.wrap("a".repeat(32), condition, dataKey),
      createdAt: "",
    };
    expect(new Uint8Array(wrapper.unwrap(record))).toEqual(dataKey);
    expect(() => wrapper.unwrap({ ...record, keyId: "b".repeat(32) })).toThrow(/unable to authenticate/);
    expect(() => wrapper.unwrap({ ...record, condition: { ...condition, uid: `0x${"12".repeat(32)}` } })).toThrow(
      /unable to authenticate/,
    );
    expect(() => new KeyWrapper(Buffer.alloc(32, 6)).unwrap(record)).toThrow(/unable to authenticate/);
  });

  it("stores files that never contain the key, and keeps the master key across restarts", async () => {
    const dir = join(scratch, "store");
    const master = loadMasterKey({ dataDir: dir });
    expect(loadMasterKey({ dataDir: dir })).toEqual(master);
    const store = new FileKeyStore(dir);
    const keyId = "c".repeat(32);
    expect(
      await store.putNew({
        keyId,
        condition,
        wrappedKey: new KeyWrapper(master).wrap(keyId, condition, dataKey),
        createdAt: "now",
      }),
    ).toBe(true);
    const file = readFileSync(join(dir, "keys", `${keyId}.json`), "utf8");
    expect(file).not.toContain(Buffer.from(dataKey).toString("hex"));
    expect(file).not.toContain(Buffer.from(dataKey).toString("base64"));
    expect(readdirSync(join(dir, "keys"))).toEqual([`${keyId}.json`]);
    const reopened = await new FileKeyStore(dir).get(keyId);
    expect(new Uint8Array(new KeyWrapper(loadMasterKey({ dataDir: dir })).unwrap(reopened as never))).toEqual(dataKey);
    expect(await store.get("d".repeat(32))).toBeUndefined();
  });

  for (const [name, open] of [
    ["memory", () => new MemoryKeyStore()],
    ["file", () => new FileKeyStore(join(scratch, "one-per-uid"))],
  ] as const) {
    it(`keeps one key per condition and never overwrites it (${name} store)`, async () => {
      const store = open();
      const record = (keyId: string) => ({ keyId, condition, wrappedKey: keyId, createdAt: "now" });
      expect(await store.keyIdFor(condition)).toBeUndefined();
      expect(await store.putNew(record("e".repeat(32)))).toBe(true);
      const sameConditionOtherCase = { ...condition, registry: condition.registry.toLowerCase() as `0x${string}` };
      expect(await store.putNew({ ...record("f".repeat(32)), condition: sameConditionOtherCase })).toBe(false);
      expect(await store.keyIdFor(condition)).toBe("e".repeat(32));
      expect(await store.get("f".repeat(32))).toBeUndefined();
      expect((await store.get("e".repeat(32)))?.wrappedKey).toBe("e".repeat(32));
      if (name === "file") {
        expect(await new FileKeyStore(join(scratch, "one-per-uid")).keyIdFor(condition)).toBe("e".repeat(32));
        expect(readdirSync(join(scratch, "one-per-uid", "keys"))).toEqual([`${"e".repeat(32)}.json`]);
      }
    });
  }
});

describe("challenge book", () => {
  const release = { kind: "release", keyId: "a".repeat(32) } as const;
  const book = (options: Partial<ConstructorParameters<typeof ChallengeBook>[0]> = {}) =>
    new ChallengeBook({ ttlSeconds: 300, dappOrigin: "http://localhost:5173", ...options });

  it("issues SIWE messages naming the key and the configured dApp, usable once", () => {
    const challenges = book();
    const challenge = challenges.issue({ purpose: release, address: alice, chainId: 31337, requester: "a" });
    const parsed = parseSiweMessage(challenge.message);
    expect(parsed).toMatchObject({
      address: alice,
      chainId: 31337,
      domain: "localhost:5173",
      uri: "http://localhost:5173",
      resources: [keyResource("a".repeat(32))],
    });
    const nonce = parsed.nonce as string;
    expect(challenges.take(nonce)).toEqual(challenge);
    expect(challenges.take(nonce)).toBeUndefined();
  });

  it("refuses an expired challenge and sweeps it", () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const challenges = book({ ttlSeconds: 60, now: () => now });
    const challenge = challenges.issue({ purpose: release, address: alice, chainId: 1, requester: "a" });
    now = new Date(now.getTime() + 60_000);
    expect(challenges.take(parseSiweMessage(challenge.message).nonce as string)).toBeUndefined();
    challenges.issue({ purpose: release, address: alice, chainId: 1, requester: "a" });
    now = new Date(now.getTime() + 61_000);
    challenges.issue({ purpose: release, address: alice, chainId: 1, requester: "a" });
    expect(challenges.size).toBe(1);
  });

  it("caps each requester's outstanding challenges, and frees a slot when one is used or expires", () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const challenges = book({ ttlSeconds: 60, limits: { perRequester: 2, total: 100 }, now: () => now });
    const issue = (requester: string) => challenges.issue({ purpose: release, address: alice, chainId: 1, requester });
    const first = issue("attacker");
    issue("attacker");
    expect(() => issue("attacker")).toThrow(ChallengeLimitError);
    // Another requester is not affected, and the attacker's own challenges are still live.
    expect(() => issue("victim")).not.toThrow();
    expect(challenges.take(parseSiweMessage(first.message).nonce as string)).toEqual(first);
    expect(() => issue("attacker")).not.toThrow();
    expect(() => issue("attacker")).toThrow(ChallengeLimitError);
    now = new Date(now.getTime() + 60_000);
    expect(() => issue("attacker")).not.toThrow();
  });

  it("refuses new challenges when full rather than evicting live ones", () => {
    const challenges = book({ limits: { perRequester: 10, total: 3 } });
    const issued = ["a", "b", "c"].map((requester) =>
      challenges.issue({ purpose: release, address: alice, chainId: 1, requester }),
    );
    expect(() => challenges.issue({ purpose: release, address: alice, chainId: 1, requester: "d" })).toThrow(
      /too many unused challenges/,
    );
    for (const challenge of issued) {
      expect(challenges.take(parseSiweMessage(challenge.message).nonce as string)).toEqual(challenge);
    }
  });
});

describe("protocol helpers", () => {
  it("base64 round-trips every byte value", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array([0xfb, 0xff]))).toBe(Buffer.from([0xfb, 0xff]).toString("base64"));
  });
});
