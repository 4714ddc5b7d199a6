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
};

describe("loadConfig", () => {
  it("parses a valid environment with defaults", () => {
    const config = loadConfig(valid);
    expect(config.CHAIN_ID).toBe(31337);
    expect(config.ISSUER_PORT).toBe(8787);
    expect(config.SPONSOR_ALLOWED_FACTORIES).toEqual([]);
  });

  it("names each missing or malformed variable and never prints a key", () => {
    const secret = `0x${"ab".repeat(31)}`; // one byte short
    let message = "";
    try {
      loadConfig({ ...valid, SPONSOR_SIGNER_PRIVATE_KEY: secret, CHAIN_ID: "base", RPC_URL: undefined });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/SPONSOR_SIGNER_PRIVATE_KEY/);
    expect(message).toMatch(/CHAIN_ID/);
    expect(message).toMatch(/RPC_URL/);
    expect(message).not.toContain(secret.slice(2));
  });

  it("rejects a factory list with a non-address", () => {
    expect(() =>
      loadConfig({ ...valid, SPONSOR_ALLOWED_FACTORIES: "0x00000000000000000000000000000000000000fa,nope" }),
    ).toThrow(/"nope" is not an address/);
  });
});
