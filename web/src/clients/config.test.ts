import type { Deployment } from "@onekey/deploy";
import { describe, expect, it } from "vitest";
import { appConfigFromEnv, ConfigError } from "./config.js";

const deployment: Deployment = {
  network: "local",
  chainId: 31337,
  contracts: {
    KycRegistry: { address: "0x1111111111111111111111111111111111111111", startBlock: 3 },
    ProjectRegistry: { address: "0x2222222222222222222222222222222222222222", startBlock: 2 },
    OneKeyPaymaster: { address: "0x3333333333333333333333333333333333333333", startBlock: 4 },
    SimpleAccountFactoryV07: { address: "0x4444444444444444444444444444444444444444", startBlock: 1 },
  },
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("app configuration", () => {
  it("unset, points at the local stack and takes addresses from the deployment book", () => {
    const config = appConfigFromEnv({}, { deployment });
    expect(config).toMatchObject({
      network: "local",
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545",
      aaBundlerUrl: "http://127.0.0.1:4337",
      issuerUrl: "http://127.0.0.1:8787",
      paymasterUrl: "http://127.0.0.1:8787",
      contracts: {
        kycRegistry: "0x1111111111111111111111111111111111111111",
        simpleAccountFactory: "0x4444444444444444444444444444444444444444",
        kycRegistryStartBlock: 3,
      },
      privacy: { storage: { VITE_ONEKEY_STORAGE: "local" }, keys: { VITE_ONEKEY_KEYS: "keyservice" } },
    });
    expect(config.privyAppId).toBeUndefined();
  });

  it("names every bad, unknown or missing value in one error, the privacy library's included", () => {
    const problems = problemsOf(() =>
      appConfigFromEnv(
        { VITE_ONEKEY_ISSUER_URL: "ftp://x", VITE_ONEKEY_ISUSER_URL: "http://typo", VITE_ONEKEY_STORAGE: "floppy" },
        { deployment: null, problem: "No OneKey deployment for local (run `npm run dev` first)" },
      ),
    );
    expect(problems.join("\n")).toMatch(/VITE_ONEKEY_ISSUER_URL/);
    expect(problems.join("\n")).toMatch(/VITE_ONEKEY_ISUSER_URL: unknown variable/);
    expect(problems.join("\n")).toMatch(/VITE_ONEKEY_STORAGE/);
    expect(problems.join("\n")).toMatch(/run `npm run dev` first/);
  });

  it("a production build must name its services and networks", () => {
    const problems = problemsOf(() => appConfigFromEnv({ PROD: true }, { deployment }));
    for (const name of [
      "VITE_ONEKEY_NETWORK",
      "VITE_ONEKEY_RPC_URL",
      "VITE_ONEKEY_AA_BUNDLER_URL",
      "VITE_ONEKEY_ISSUER_URL",
      "VITE_ONEKEY_STORAGE",
      "VITE_ONEKEY_KEYS",
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
  });

  it("refuses a book for another network than the one named", () => {
    const problems = problemsOf(() => appConfigFromEnv({ VITE_ONEKEY_NETWORK: "baseSepolia" }, { deployment }));
    expect(problems.join()).toMatch(/read local, but VITE_ONEKEY_NETWORK is baseSepolia/);
  });

  it("offers Privy only when its app id is set; Base uses the canonical SimpleAccount factory", () => {
    const base = {
      ...deployment,
      network: "baseSepolia" as const,
      chainId: 84532,
      contracts: { ...deployment.contracts },
    };
    delete base.contracts.SimpleAccountFactoryV07;
    const config = appConfigFromEnv(
      { VITE_ONEKEY_NETWORK: "baseSepolia", VITE_ONEKEY_PRIVY_APP_ID: "app-123" },
      { deployment: base },
    );
    expect(config.privyAppId).toBe("app-123");
    expect(config.contracts.simpleAccountFactory).toBe("0x91E60e0613810449d098b0b5Ec8b51A0FE8c8985");
  });
});
