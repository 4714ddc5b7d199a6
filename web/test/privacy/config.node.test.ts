import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningLocalBundler, startLocalBundler } from "@onekey/devnet/local-bundler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKeyAccess,
  createStorage,
  type PrivacyConfig,
  privacyConfigFromEnv,
  storageNetworkIdOf,
} from "../../src/privacy/config.js";
import { KeyServiceKeyAccess } from "../../src/privacy/keys/keyservice-key-access.js";
import { BundlerStorage } from "../../src/privacy/storage/bundler-storage.js";
import { TurboStorage } from "../../src/privacy/storage/turbo-storage.js";
import { startFakeHttp } from "../support/fake-http.js";

const sponsor = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const context = { domain: "app.onekey.test", uri: "https://app.onekey.test" };

describe("the dApp's privacy configuration (VITE_ONEKEY_*)", () => {
  it("defaults to the local stand-ins npm run dev starts", () => {
    const config = privacyConfigFromEnv({});
    expect(config).toEqual({
      storage: { VITE_ONEKEY_STORAGE: "local", VITE_ONEKEY_BUNDLER_URL: "http://127.0.0.1:1985" },
      keys: { VITE_ONEKEY_KEYS: "keyservice", VITE_ONEKEY_KEYSERVICE_URL: "http://127.0.0.1:4010" },
    });
    expect(storageNetworkIdOf(config)).toBe(1);
    // Empty variables (as a .env file leaves them) count as unset.
    expect(privacyConfigFromEnv({ VITE_ONEKEY_STORAGE: "", VITE_ONEKEY_BUNDLER_URL: "" })).toEqual(config);
  });

  it("names Turbo or Irys, and Lit, for a production build", () => {
    const turbo = privacyConfigFromEnv({
      VITE_ONEKEY_STORAGE: "turbo",
      VITE_ONEKEY_STORAGE_PAID_BY: `${sponsor},${sponsor}`,
      VITE_ONEKEY_KEYS: "lit",
      VITE_ONEKEY_LIT_NETWORK: "naga",
    });
    expect(turbo).toEqual({
      storage: {
        VITE_ONEKEY_STORAGE: "turbo",
        VITE_ONEKEY_TURBO_UPLOAD_URL: "https://upload.ardrive.io",
        VITE_ONEKEY_GATEWAY_URL: "https://arweave.net",
        VITE_ONEKEY_STORAGE_PAID_BY: [sponsor, sponsor],
      },
      keys: { VITE_ONEKEY_KEYS: "lit", VITE_ONEKEY_LIT_NETWORK: "naga" },
    });
    const irys = privacyConfigFromEnv({ VITE_ONEKEY_STORAGE: "irys" });
    expect(irys.storage).toMatchObject({
      VITE_ONEKEY_IRYS_TOKEN: "base-eth",
      VITE_ONEKEY_GATEWAY_URL: "https://gateway.irys.xyz",
    });
    expect(storageNetworkIdOf(irys)).toBe(2); // what the attestation records beside the id
  });

  it("refuses bad values with every problem named by its variable", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ VITE_ONEKEY_STORAGE: "s3" }, /VITE_ONEKEY_STORAGE/],
      [{ VITE_ONEKEY_BUNDLER_URL: "ftp://x" }, /VITE_ONEKEY_BUNDLER_URL/],
      [{ VITE_ONEKEY_KEYS: "lit" }, /VITE_ONEKEY_LIT_NETWORK/],
      [{ VITE_ONEKEY_STORAGE: "irys", VITE_ONEKEY_IRYS_TOKEN: "matic" }, /VITE_ONEKEY_IRYS_TOKEN/],
      [{ VITE_ONEKEY_STORAGE: "turbo", VITE_ONEKEY_STORAGE_PAID_BY: "0x12" }, /VITE_ONEKEY_STORAGE_PAID_BY/],
    ];
    for (const [env, variable] of cases) expect(() => privacyConfigFromEnv(env)).toThrow(variable);
    // A misspelt name is not silently dropped; other apps' variables are none of its business.
    expect(() => privacyConfigFromEnv({ VITE_ONEKEY_STORGE: "turbo", VITE_APP_TITLE: "x" })).toThrow(
      /VITE_ONEKEY_STORGE: unknown variable/,
    );
    // A production build must name its networks instead of falling back to localhost.
    expect(() => privacyConfigFromEnv({ PROD: true })).toThrow(
      /VITE_ONEKEY_STORAGE: a production build.*VITE_ONEKEY_KEYS/,
    );
    expect(
      privacyConfigFromEnv({
        PROD: true,
        VITE_ONEKEY_STORAGE: "turbo",
        VITE_ONEKEY_KEYS: "lit",
        VITE_ONEKEY_LIT_NETWORK: "naga",
      }).storage.VITE_ONEKEY_STORAGE,
    ).toBe("turbo");
    expect(() => privacyConfigFromEnv({ VITE_ONEKEY_STORAGE: "s3", VITE_ONEKEY_KEYS: "vault" })).toThrow(
      /VITE_ONEKEY_STORAGE.*; VITE_ONEKEY_KEYS/,
    );
  });
});

describe("adapters built from the configuration", () => {
  const scratch = mkdtempSync(join(tmpdir(), "onekey-config-"));
  let bundler: RunningLocalBundler;
  beforeAll(async () => {
    bundler = await startLocalBundler({ dataDir: scratch });
  });
  afterAll(async () => {
    await bundler?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the local default talks to the configured bundler node and key service", async () => {
    const config = privacyConfigFromEnv({ VITE_ONEKEY_BUNDLER_URL: bundler.url });
    const storage = await createStorage(config, context);
    expect(storage).toBeInstanceOf(BundlerStorage);
    expect(await storage.has(`0x${"00".repeat(32)}`)).toBe(false); // answered by that node
    expect(await createKeyAccess(config, context)).toBeInstanceOf(KeyServiceKeyAccess);
  });

  it("Turbo goes to the configured upload service; Irys needs the logged-in wallet", async () => {
    const service = await startFakeHttp(() => ({ status: 404, body: "" }));
    try {
      const config = privacyConfigFromEnv({ VITE_ONEKEY_STORAGE: "turbo", VITE_ONEKEY_TURBO_UPLOAD_URL: service.url });
      const storage = await createStorage(config, context);
      expect(storage).toBeInstanceOf(TurboStorage);
      expect(await storage.has(`0x${"11".repeat(32)}`)).toBe(false);
      expect(service.requests.map((request) => request.path)).toEqual([
        `/v1/tx/${"ERERERERERERERERERERERERERERERERERERERERERE"}/status`,
      ]);
    } finally {
      await service.close();
    }
    const irys: PrivacyConfig = privacyConfigFromEnv({ VITE_ONEKEY_STORAGE: "irys" });
    await expect(createStorage(irys, context)).rejects.toThrow(/wallet client/);
  });
});
