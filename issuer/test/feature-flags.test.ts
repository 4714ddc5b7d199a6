/**
 * The `sponsorship` feature flag at the issuer's ERC-7677 edge, without a chain: a project whose
 * flag is off is refused `sponsorship_paused` before the service reads anything from the chain
 * (so a pause costs nothing to enforce and signs nothing), while other projects go on to the
 * chain as before. (The `kycSessions` flag is tested on the chain: sessions.chain.test.ts.)
 */
import { FlagSet } from "@onekey/deploy";
import { createPublicClient, custom, getAddress, type PublicClient, toHex } from "viem";
import { entryPoint07Address } from "viem/account-abstraction";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp, SPONSORSHIP_REFUSED } from "../src/server.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";
import { offlineDeployment, offlineEnv } from "./support/offline.js";

const config = loadConfig(offlineEnv, { deployment: offlineDeployment });

/** A chain that records every request and answers none (the requests here need no answer). */
function recordingChain() {
  const asked: string[] = [];
  const client = createPublicClient({
    transport: custom({
      request: async ({ method }) => {
        asked.push(method);
        throw new Error(`the chain is not available in this test (${method})`);
      },
    }),
  }) as PublicClient;
  return { client, asked };
}

const operation = {
  sender: getAddress("0x00000000000000000000000000000000000c0ffe"),
  nonce: "0x0",
  callData: "0x",
  callGasLimit: toHex(100_000),
  verificationGasLimit: toHex(100_000),
  preVerificationGas: toHex(50_000),
  maxFeePerGas: toHex(2_000_000_000),
  maxPriorityFeePerGas: toHex(1_000_000_000),
};

async function askSponsorship(projectId: string, flags: FlagSet) {
  const chain = recordingChain();
  const { app } = createIssuerApp(config, {
    ledger: {} as AttestationLedger,
    limits: {} as SponsorshipLimits,
    client: chain.client,
    logger: createLogger("silent"),
    flags,
  });
  const response = await app.request("/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "pm_getPaymasterData",
      params: [operation, entryPoint07Address, "0x7a69", { projectId }],
    }),
  });
  const body = (await response.json()) as { error?: { code: number; message: string; data?: { reason?: string } } };
  return { status: response.status, error: body.error, asked: chain.asked };
}

describe("the sponsorship flag", () => {
  const flags = FlagSet.parse(JSON.stringify({ flags: { sponsorship: { projects: { "7": false } } } }));

  it("refuses a paused project's operation with its reason, before any chain read", async () => {
    const { status, error, asked } = await askSponsorship("7", flags);
    expect(status).toBe(200);
    expect(error?.code).toBe(SPONSORSHIP_REFUSED);
    expect(error?.data?.reason).toBe("sponsorship_paused");
    expect(error?.message).toBe("Sponsorship is paused for project 7; try again later");
    expect(asked).toEqual([]);
  });

  it("lets every other project through to the usual policy, which reads the chain", async () => {
    const { error, asked } = await askSponsorship("8", flags);
    expect(error?.data?.reason).not.toBe("sponsorship_paused");
    expect(asked.length).toBeGreaterThan(0);
  });

  it("pauses every project when the environment turns it off", async () => {
    const off = FlagSet.parse(JSON.stringify({ flags: { sponsorship: { enabled: false } } }));
    const { error, asked } = await askSponsorship("8", off);
    expect(error?.data?.reason).toBe("sponsorship_paused");
    expect(asked).toEqual([]);
  });
});
