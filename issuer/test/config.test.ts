import { parseGwei } from "viem";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const valid = {
  RPC_URL: "http://127.0.0.1:8545",
  CHAIN_ID: "31337",
  ENTRY_POINT: "0x0000000071727De22E5E9d8BAf0edAc6f37da032",
  PAYMASTER_ADDRESS: "0x00000000000000000000000000000000000000a1",
  KYC_REGISTRY_ADDRESS: "0x00000000000000000000000000000000000000a2",
  PROJECT_REGISTRY_ADDRESS: "0x00000000000000000000000000000000000000a3",
  SPONSOR_SIGNER_PRIVATE_KEY: `0x${"59".repeat(32)}`,
  ISSUER_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/onekey",
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
  it("parses a valid environment with defaults", () => {
    const config = loadConfig(valid);
    expect(config.CHAIN_ID).toBe(31337);
    expect(config.ISSUER_PORT).toBe(8787);
    expect(config.SPONSOR_SIMPLE_ACCOUNT_FACTORIES).toEqual([]);
    expect(config.ISSUER_REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.ISSUER_DATABASE_SCHEMA).toBe("onekey_issuer");
    expect(config.SPONSOR_MAX_PRIORITY_FEE_PER_GAS).toBe(parseGwei("2"));
    expect(config.SPONSOR_BASE_FEE_MULTIPLIER).toBe(3);
    expect(config.SPONSOR_L1_DATA_GAS).toBe(0n);
  });

  it("names each missing or malformed variable and never prints a key", () => {
    const secret = `0x${"ab".repeat(31)}`; // one byte short
    const message = problems({ ...valid, SPONSOR_SIGNER_PRIVATE_KEY: secret, CHAIN_ID: "base", RPC_URL: undefined });
    expect(message).toMatch(/SPONSOR_SIGNER_PRIVATE_KEY/);
    expect(message).toMatch(/CHAIN_ID/);
    expect(message).toMatch(/RPC_URL/);
    expect(message).not.toContain(secret.slice(2));
  });

  it("never echoes a malformed URL (it may carry credentials)", () => {
    const message = problems({ ...valid, ISSUER_DATABASE_URL: "not a url with password hunter2" });
    expect(message).toMatch(/ISSUER_DATABASE_URL/);
    expect(message).not.toContain("hunter2");
  });

  it("requires the priority-fee ceiling off the local chain", () => {
    expect(problems({ ...valid, CHAIN_ID: "8453" })).toMatch(/SPONSOR_MAX_PRIORITY_FEE_PER_GAS: is required/);
    const base = loadConfig({ ...valid, CHAIN_ID: "8453", SPONSOR_MAX_PRIORITY_FEE_PER_GAS: "10000000" });
    expect(base.SPONSOR_MAX_PRIORITY_FEE_PER_GAS).toBe(10_000_000n);
  });

  it("rejects a factory list with a non-address", () => {
    expect(
      problems({ ...valid, SPONSOR_SIMPLE_ACCOUNT_FACTORIES: "0x00000000000000000000000000000000000000fa,nope" }),
    ).toMatch(/"nope" is not an address/);
  });
});
