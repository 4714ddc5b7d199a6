/**
 * For tests of the issuer without a chain: a deployment book entry of made-up addresses and the
 * smallest environment the configuration accepts (local keys of no value, a database and a
 * sandbox provider that are never reached).
 */
import { getAddress } from "viem";

export const offlineDeployment = {
  network: "local" as const,
  chainId: 31337,
  contracts: {
    OneKeyPaymaster: { address: getAddress("0x00000000000000000000000000000000000000a1"), startBlock: 1 },
    KycRegistry: { address: getAddress("0x00000000000000000000000000000000000000a2"), startBlock: 1 },
    ProjectRegistry: { address: getAddress("0x00000000000000000000000000000000000000a3"), startBlock: 1 },
  },
};

export const OFFLINE_SPONSOR_KEY = `0x${"59".repeat(32)}` as const;
export const OFFLINE_KYC_KEY = `0x${"5a".repeat(32)}` as const;

/** Every variable but the keys: the tests choose how the keys are held. */
export const offlineEnvWithoutKeys: Record<string, string> = {
  ONEKEY_NETWORK: "local",
  ONEKEY_ISSUER_DATABASE_URL: "postgres://127.0.0.1:1/unused",
  ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:9",
  ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_app_token",
  ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "x".repeat(32),
  ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "y".repeat(32),
  ONEKEY_LOG_LEVEL: "error",
};

export const offlineEnv: Record<string, string> = {
  ...offlineEnvWithoutKeys,
  ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: OFFLINE_SPONSOR_KEY,
  ONEKEY_ISSUER_KYC_SIGNER_KEY: OFFLINE_KYC_KEY,
};
