import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@onekey/deploy";
import { getAddress, parseGwei } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const deployment: Deployment = {
  network: "local",
  chainId: 31337,
  contracts: {
    OneKeyPaymaster: { address: "0x00000000000000000000000000000000000000A1", startBlock: 3 },
    KycRegistry: { address: "0x00000000000000000000000000000000000000a2", startBlock: 2 },
    ProjectRegistry: { address: "0x00000000000000000000000000000000000000a3", startBlock: 1 },
    SimpleAccountFactoryV07: { address: "0x00000000000000000000000000000000000000fa", startBlock: 4 },
  },
};
const bookDir = mkdtempSync(join(tmpdir(), "issuer-config-"));
writeFileSync(join(bookDir, "local.json"), JSON.stringify(deployment));
writeFileSync(join(bookDir, "base.json"), JSON.stringify({ ...deployment, network: "base", chainId: 8453 }));
afterAll(() => rmSync(bookDir, { recursive: true, force: true }));

const SANDBOX = {
  ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:4999",
  ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_app_token",
  ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "s".repeat(32),
  ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "w".repeat(32),
};
const valid = {
  ONEKEY_DEPLOY_BOOK_DIR: bookDir,
  ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: `0x${"59".repeat(32)}`,
  ONEKEY_ISSUER_KYC_SIGNER_KEY: `0x${"5a".repeat(32)}`,
  ONEKEY_ISSUER_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/onekey",
  ...SANDBOX,
};

function problems(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("reads addresses and the chain id from the deployment book, with local defaults", () => {
    const config = loadConfig(valid);
    expect(config.network).toBe("local");
    expect(config.chainId).toBe(31337);
    expect(config.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(config.contracts).toEqual({
      paymaster: "0x00000000000000000000000000000000000000A1",
      kycRegistry: "0x00000000000000000000000000000000000000A2",
      projectRegistry: "0x00000000000000000000000000000000000000A3",
      kycRegistryStartBlock: 2,
    });
    expect(config.port).toBe(8787);
    // The book's SimpleAccountFactory v0.7 when no list is given.
    expect(config.sponsor.simpleAccountFactories).toEqual([getAddress("0x00000000000000000000000000000000000000fa")]);
    expect(config.redis.url).toBe("redis://127.0.0.1:6379");
    expect(config.database.schema).toBe("onekey_issuer");
    expect(config.sponsor.maxPriorityFeePerGas).toBe(parseGwei("2"));
    expect(config.sponsor.baseFeeMultiplier).toBe(3);
    expect(config.sponsor.l1DataGas).toBe(0n);
    expect(config.kyc.dappOrigin).toBe("http://localhost:5173");
    expect(config.kyc.siweDomain).toBe("localhost:5173");
    expect(config.kyc.providers).toEqual(["sandbox"]);
    expect(config.kyc.levelExpiryDays).toEqual([365, 365, 180]);
    expect(config.kyc.storage.arweaveGateway).toBe("http://127.0.0.1:1985");
  });

  it("lets the service's log level override the shared one", () => {
    expect(loadConfig({ ...valid, ONEKEY_LOG_LEVEL: "warn" }).logLevel).toBe("warn");
    expect(loadConfig({ ...valid, ONEKEY_LOG_LEVEL: "warn", ONEKEY_ISSUER_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
  });

  it("names each missing or malformed variable and never prints a key", () => {
    const secret = `0x${"ab".repeat(31)}`; // one byte short
    const message = problems({
      ...valid,
      ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: secret,
      ONEKEY_ISSUER_KYC_SIGNER_KEY: undefined,
      ONEKEY_NETWORK: "mainnet",
    });
    expect(message).toMatch(/ONEKEY_ISSUER_SPONSOR_SIGNER_KEY/);
    expect(message).toMatch(/ONEKEY_ISSUER_KYC_SIGNER_KEY/);
    expect(message).toMatch(/ONEKEY_NETWORK/);
    expect(message).not.toContain(secret.slice(2));
  });

  it("never echoes a malformed URL (it may carry credentials)", () => {
    const message = problems({ ...valid, ONEKEY_ISSUER_DATABASE_URL: "not a url with password hunter2" });
    expect(message).toMatch(/ONEKEY_ISSUER_DATABASE_URL/);
    expect(message).not.toContain("hunter2");
  });

  it("requires the RPC URL, the fee ceiling and the dApp origin off the local chain", () => {
    const message = problems({ ...valid, ONEKEY_NETWORK: "base" });
    expect(message).toMatch(/ONEKEY_RPC_URL: is required on base/);
    expect(message).toMatch(/ONEKEY_ISSUER_SPONSOR_MAX_PRIORITY_FEE_PER_GAS: is required/);
    expect(message).toMatch(/ONEKEY_ISSUER_DAPP_ORIGIN: is required on base/);
    const base = loadConfig({
      ...valid,
      ONEKEY_NETWORK: "base",
      ONEKEY_RPC_URL: "https://base.example/v2/key",
      ONEKEY_ISSUER_SPONSOR_MAX_PRIORITY_FEE_PER_GAS: "10000000",
      ONEKEY_ISSUER_DAPP_ORIGIN: "https://app.onekey.example",
      ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: "https://arweave.net",
    });
    expect(base.chainId).toBe(8453);
    expect(base.sponsor.maxPriorityFeePerGas).toBe(10_000_000n);
    expect(base.kyc.siweDomain).toBe("app.onekey.example");
  });

  it("says which network has no deployment", () => {
    expect(problems({ ...valid, ONEKEY_NETWORK: "baseSepolia" })).toMatch(/No OneKey deployment for baseSepolia/);
  });

  it("rejects a factory list with a non-address", () => {
    expect(
      problems({
        ...valid,
        ONEKEY_ISSUER_SPONSOR_SIMPLE_ACCOUNT_FACTORIES: "0x00000000000000000000000000000000000000fa,nope",
      }),
    ).toMatch(/"nope" is not an address/);
  });

  it("validates each enabled provider's own variables, and refuses one that is not wired", () => {
    const message = problems({
      ...valid,
      ONEKEY_ISSUER_PROVIDERS: "sandbox,sandbox-b",
      ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "short",
    });
    expect(message).toMatch(/ONEKEY_ISSUER_SANDBOX_SECRET_KEY/);
    expect(message).toMatch(/ONEKEY_ISSUER_SANDBOX_B_URL/);
    expect(message).not.toContain("short");
    expect(problems({ ...valid, ONEKEY_ISSUER_PROVIDERS: "sandbox,acme" })).toMatch(/"acme" is not a provider/);
  });

  it("reads the audit trail's URL and token together, and never prints the token", () => {
    const token = "audit-ingest-token-0123456789abcdef";
    expect(loadConfig(valid).audit).toBeUndefined();
    expect(
      loadConfig({ ...valid, ONEKEY_ISSUER_AUDIT_URL: "http://127.0.0.1:42069", ONEKEY_ISSUER_AUDIT_TOKEN: token })
        .audit,
    ).toEqual({ url: "http://127.0.0.1:42069", token });
    const message = problems({ ...valid, ONEKEY_ISSUER_AUDIT_TOKEN: token });
    expect(message).toMatch(/ONEKEY_ISSUER_AUDIT_URL and ONEKEY_ISSUER_AUDIT_TOKEN go together/);
    expect(message).not.toContain(token);
    expect(problems({ ...valid, ONEKEY_ISSUER_AUDIT_URL: "http://127.0.0.1:42069" })).toMatch(/go together/);
    // The tenant API takes no ingest token under 32 characters: a shorter one would never authenticate.
    const short = "a".repeat(31);
    const refused = problems({
      ...valid,
      ONEKEY_ISSUER_AUDIT_URL: "http://127.0.0.1:42069",
      ONEKEY_ISSUER_AUDIT_TOKEN: short,
    });
    expect(refused).toMatch(/ONEKEY_ISSUER_AUDIT_TOKEN.*at least 32 characters/);
    expect(refused).not.toContain(short);
  });

  it("reads the level validity table", () => {
    expect(loadConfig({ ...valid, ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS: "30,60,90" }).kyc.levelExpiryDays).toEqual([
      30, 60, 90,
    ]);
    expect(problems({ ...valid, ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS: "30,60" })).toMatch(/ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS/);
  });
});
