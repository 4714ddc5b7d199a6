/**
 * The issuer's keys in a remote signer (src/signing/web3signer.ts), against the local
 * Web3Signer-compatible signer (@onekey/devnet/web3signer): the configuration that selects it,
 * the JSON-RPC it sends (Web3Signer's eth1 methods and shapes), signatures byte-identical to the
 * same key held locally (so the paymaster and KycRegistry accept them as before), a signer that
 * answers with another key refused, and readiness naming a signer that is down without its URL.
 */
import type { Server } from "node:http";
import { sponsorshipTypedData } from "@onekey/deploy";
import { startChainIdRpc } from "@onekey/devnet/chain-id-rpc";
import { type LocalWeb3Signer, NOT_AN_UNLOCKED_ACCOUNT, startLocalWeb3Signer } from "@onekey/devnet/web3signer";
import { getAddress, type Hex, recoverMessageAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp } from "../src/server.js";
import { createSigner } from "../src/signing/signer.js";
import { RemoteSignerError } from "../src/signing/web3signer.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";
import { OFFLINE_KYC_KEY, OFFLINE_SPONSOR_KEY, offlineDeployment, offlineEnvWithoutKeys } from "./support/offline.js";

const SPONSOR_KEY: Hex = OFFLINE_SPONSOR_KEY;
const KYC_KEY: Hex = OFFLINE_KYC_KEY;
const STRANGER_KEY: Hex = `0x${"7b".repeat(32)}`;
const sponsor = privateKeyToAccount(SPONSOR_KEY);
const kyc = privateKeyToAccount(KYC_KEY);

const deployment = offlineDeployment;
const base = offlineEnvWithoutKeys;

const sponsorship = sponsorshipTypedData({
  chainId: 31337,
  paymaster: deployment.contracts.OneKeyPaymaster.address,
  userOperation: {
    sender: getAddress("0x00000000000000000000000000000000000000b1"),
    nonce: 7n,
    callData: "0x1234",
    callGasLimit: 100_000n,
    verificationGasLimit: 200_000n,
    preVerificationGas: 50_000n,
    maxFeePerGas: 3_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    paymasterVerificationGasLimit: 80_000n,
    paymasterPostOpGasLimit: 60_000n,
  },
  projectId: 42n,
  validUntil: 1_900_000_000,
  validAfter: 1_800_000_000,
});

let signer: LocalWeb3Signer;
let rpc: { url: string; server: Server };

beforeAll(async () => {
  signer = await startLocalWeb3Signer([SPONSOR_KEY, KYC_KEY]);
  rpc = await startChainIdRpc(31337, "no-secret");
});
afterAll(async () => {
  await signer?.stop();
  await new Promise((resolve) => rpc?.server.close(resolve));
});

const remote = (address = sponsor.address, url = signer.url) =>
  createSigner({ kind: "remote", url, address, timeoutMs: 2_000 }, "sponsorSigner");

describe("a key in a remote signer", () => {
  it("signs EIP-712 with Web3Signer's eth_signTypedData, byte for byte as the same key held locally", async () => {
    signer.requests.length = 0;
    const signature = await remote().signTypedData(sponsorship);
    expect(signature).toBe(await sponsor.signTypedData(sponsorship));

    expect(signer.requests).toHaveLength(1);
    const [request] = signer.requests;
    expect(request?.method).toBe("eth_signTypedData");
    const [address, json] = (request?.params ?? []) as [string, string];
    expect(getAddress(address)).toBe(sponsor.address);
    // The shape web3j's StructuredDataEncoder reads: a JSON string, the domain type spelled out,
    // integers as decimal strings (no JSON bigints).
    const typed = JSON.parse(json) as { types: Record<string, unknown>; primaryType: string; message: object };
    expect(Object.keys(typed.types)).toContain("EIP712Domain");
    expect(typed.primaryType).toBe("SponsoredUserOperation");
    expect(JSON.stringify(typed.message)).toContain('"42"');
  });

  it("signs EIP-191 messages with eth_sign over the message's bytes", async () => {
    signer.requests.length = 0;
    const signature = await remote().signMessage({ message: "onekey issuer readiness" });
    expect(signature).toBe(await sponsor.signMessage({ message: "onekey issuer readiness" }));
    expect(signer.requests[0]).toEqual({
      method: "eth_sign",
      params: [sponsor.address, "0x6f6e656b6579206973737565722072656164696e657373"],
    });
    expect(await recoverMessageAddress({ message: "onekey issuer readiness", signature })).toBe(sponsor.address);
  });

  it("refuses a signature by another key: a misconfigured or impostor signer signs nothing for us", async () => {
    signer.faults.signWith = STRANGER_KEY;
    try {
      const refused = remote().signTypedData(sponsorship);
      await expect(refused).rejects.toThrow(RemoteSignerError);
      await expect(refused).rejects.toThrow(
        `sponsorSigner: the remote signer answered with a signature of ${privateKeyToAccount(STRANGER_KEY).address}, not ${sponsor.address}`,
      );
    } finally {
      signer.faults.signWith = undefined;
    }
  });

  it("says which key the signer does not hold, without the signer's URL", async () => {
    const stranger = privateKeyToAccount(STRANGER_KEY).address;
    const error = await remote(stranger)
      .signMessage({ message: "x" })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(RemoteSignerError);
    expect((error as Error).message).toContain(`refused eth_sign for ${stranger}`);
    expect((error as Error).message).toContain(`JSON-RPC error ${NOT_AN_UNLOCKED_ACCOUNT}`);
    expect((error as Error).message).not.toContain(signer.url);
  });
});

describe("the issuer with its keys in a remote signer", () => {
  const remoteEnv = () => ({
    ...base,
    ONEKEY_RPC_URL: rpc.url,
    ONEKEY_ISSUER_REMOTE_SIGNER_URL: signer.url,
    ONEKEY_ISSUER_SPONSOR_SIGNER_ADDRESS: sponsor.address,
    ONEKEY_ISSUER_KYC_SIGNER_ADDRESS: kyc.address,
  });

  it("is configured by address and URL, serves both addresses, and is ready while the signer answers", async () => {
    const config = loadConfig(remoteEnv(), { deployment });
    expect(config.sponsorSigner).toEqual({
      kind: "remote",
      url: signer.url,
      address: sponsor.address,
      timeoutMs: 5_000,
    });
    const { app } = createIssuerApp(config, {
      ledger: {} as AttestationLedger,
      limits: {} as SponsorshipLimits,
      logger: createLogger("error"),
      health: {},
    });
    const health = (await (await app.request("/health")).json()) as { signer: string; kycSigner: string };
    expect(health).toMatchObject({ signer: sponsor.address, kycSigner: kyc.address });

    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ready",
      checks: { sponsorSigner: { ok: true }, kycSigner: { ok: true } },
    });
  });

  it("is not ready, naming both keys but not the signer's address, while the signer is down", async () => {
    const down = await startLocalWeb3Signer([SPONSOR_KEY, KYC_KEY]);
    await down.stop();
    const { app } = createIssuerApp(
      loadConfig({ ...remoteEnv(), ONEKEY_ISSUER_REMOTE_SIGNER_URL: down.url }, { deployment }),
      {
        ledger: {} as AttestationLedger,
        limits: {} as SponsorshipLimits,
        logger: createLogger("error"),
        health: {},
      },
    );
    const ready = await app.request("/readyz");
    const text = await ready.text();
    expect(ready.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      status: "not_ready",
      checks: { rpc: { ok: true }, sponsorSigner: { ok: false }, kycSigner: { ok: false } },
    });
    expect(text).not.toContain(new URL(down.url).port);
  });

  it("is not ready when the signer no longer holds a key, and never signs to find out", async () => {
    const partial = await startLocalWeb3Signer([SPONSOR_KEY]);
    try {
      const { app } = createIssuerApp(
        loadConfig({ ...remoteEnv(), ONEKEY_ISSUER_REMOTE_SIGNER_URL: partial.url }, { deployment }),
        { ledger: {} as AttestationLedger, limits: {} as SponsorshipLimits, logger: createLogger("error"), health: {} },
      );
      const ready = await app.request("/readyz");
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        checks: {
          sponsorSigner: { ok: true },
          kycSigner: { ok: false, error: `the remote signer no longer holds ${kyc.address}` },
        },
      });
      // A public probe costs the KMS no signature.
      expect(partial.requests.map((r) => r.method)).toEqual(["eth_accounts", "eth_accounts"]);
    } finally {
      await partial.stop();
    }
  });

  it("takes each key locally or by address in the remote signer, never both, and names what is missing", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ONEKEY_RPC_URL: rpc.url, ...env }, { deployment });
        return "";
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(
      problems({
        ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_KEY,
        ONEKEY_ISSUER_SPONSOR_SIGNER_ADDRESS: sponsor.address,
        ONEKEY_ISSUER_KYC_SIGNER_KEY: KYC_KEY,
        ONEKEY_ISSUER_REMOTE_SIGNER_URL: signer.url,
      }),
    ).toContain("ONEKEY_ISSUER_SPONSOR_SIGNER_ADDRESS: set it or ONEKEY_ISSUER_SPONSOR_SIGNER_KEY, not both");
    const noUrl = problems({
      ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_KEY,
      ONEKEY_ISSUER_KYC_SIGNER_ADDRESS: kyc.address,
    });
    expect(noUrl).toContain("ONEKEY_ISSUER_REMOTE_SIGNER_URL: is required to sign as ONEKEY_ISSUER_KYC_SIGNER_ADDRESS");
    expect(noUrl).not.toContain(SPONSOR_KEY);
    expect(problems({ ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_KEY })).toContain(
      "ONEKEY_ISSUER_KYC_SIGNER_KEY: is required (or ONEKEY_ISSUER_KYC_SIGNER_ADDRESS with a remote signer)",
    );
    expect(
      problems({ ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_KEY, ONEKEY_ISSUER_KYC_SIGNER_ADDRESS: "0x1234" }),
    ).toContain("ONEKEY_ISSUER_KYC_SIGNER_ADDRESS: must be an address");
  });
});
