/**
 * The service's edge, without a chain: bad input is a 400 that names the field (never a 500),
 * an RPC failure is logged without the RPC URL (API keys live there), and a refusal reaches a
 * wallet built on viem's paymaster client as its reason.
 */
import { Writable } from "node:stream";
import {
  createPublicClient,
  custom,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  maxUint128,
  type PublicClient,
  pad,
  parseAbi,
  RpcRequestError,
  toHex,
} from "viem";
import { createPaymasterClient, entryPoint07Address } from "viem/account-abstraction";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp, SPONSORSHIP_REFUSED } from "../src/server.js";
import { PROXY_CODE } from "../src/sponsorship/accounts.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";

const SECRET = "SECRET-API-KEY-1234";
const kernelImplementation = getAddress("0xBAC849bB641841b44E965fB01A4Bf5F074f84b4D");
const registry = getAddress("0x00000000000000000000000000000000000000a2");
const sender = getAddress("0x00000000000000000000000000000000000c0ffe");

/** A deployment book entry of made-up addresses (the unit tests never reach a chain). */
const deployment = {
  network: "local" as const,
  chainId: 31337,
  contracts: {
    OneKeyPaymaster: { address: getAddress("0x00000000000000000000000000000000000000a1"), startBlock: 1 },
    KycRegistry: { address: registry, startBlock: 1 },
    ProjectRegistry: { address: getAddress("0x00000000000000000000000000000000000000a3"), startBlock: 1 },
  },
};

const config = loadConfig(
  {
    ONEKEY_NETWORK: "local",
    ONEKEY_RPC_URL: `http://127.0.0.1:9/v2/${SECRET}`,
    ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: `0x${"59".repeat(32)}`,
    ONEKEY_ISSUER_KYC_SIGNER_KEY: `0x${"5a".repeat(32)}`,
    ONEKEY_ISSUER_DATABASE_URL: `postgres://issuer:${SECRET}@127.0.0.1:1/none`,
    ONEKEY_ISSUER_SPONSOR_KERNEL_IMPLEMENTATIONS: kernelImplementation,
    ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:9",
    ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_app_token",
    ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "x".repeat(32),
    ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "y".repeat(32),
    ONEKEY_LOG_LEVEL: "info",
  },
  { deployment },
);

/** Neither is reached by these requests: they fail before any policy needs them. */
const ledger = {} as AttestationLedger;
const limits = {} as SponsorshipLimits;

/** A chain where the sender is a Kernel (Solady ERC-1967 proxy of an allowed implementation). */
const kernelChain = createPublicClient({
  transport: custom({
    request: async ({ method }) => {
      if (method === "eth_getCode") return PROXY_CODE.soladyErc1967;
      if (method === "eth_getStorageAt") return pad(kernelImplementation);
      throw new Error(`unexpected ${method}`);
    },
  }),
}) as PublicClient;

function appWith(options: { client?: PublicClient; logs?: string[] } = {}) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      options.logs?.push(chunk.toString());
      done();
    },
  });
  return createIssuerApp(config, { ledger, limits, client: options.client, logger: createLogger("info", sink) }).app;
}

const call = (registryData: Hex) =>
  encodeFunctionData({
    abi: parseAbi(["function execute(address dest, uint256 value, bytes func)"]),
    functionName: "execute",
    args: [registry, 0n, registryData],
  });

function operation(overrides: Record<string, unknown> = {}) {
  return {
    sender,
    nonce: "0x0",
    callData: call("0x"),
    callGasLimit: toHex(100_000),
    verificationGasLimit: toHex(100_000),
    preVerificationGas: toHex(50_000),
    maxFeePerGas: toHex(2_000_000_000),
    maxPriorityFeePerGas: toHex(1_000_000_000),
    ...overrides,
  };
}

async function rpc(app: ReturnType<typeof appWith>, params: unknown[]) {
  const response = await app.request("/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "pm_getPaymasterData", params }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: number; message: string } } };
}

const params = (op: unknown, context: unknown = { projectId: "1" }) => [op, entryPoint07Address, "0x7a69", context];

describe("bad input is a 400 naming the field", () => {
  it.each([
    ["a quantity of just 0x", params(operation({ nonce: "0x" })), /userOperation\.nonce/],
    ["a gas limit above uint128", params(operation({ callGasLimit: toHex(maxUint128 + 1n) })), /callGasLimit.*uint128/],
    ["a fee above uint128", params(operation({ maxFeePerGas: toHex(1n << 200n) })), /maxFeePerGas.*uint128/],
    ["a projectId above uint64", params(operation(), { projectId: "18446744073709551616" }), /projectId.*uint64/],
  ])("%s", async (_name, request, message) => {
    const { status, body } = await rpc(appWith(), request);
    expect(status).toBe(400);
    expect(body.error?.code).toBe(-32602);
    expect(body.error?.message).toMatch(message);
  });

  it("a malformed ERC-7579 batch", async () => {
    const batchMode = pad("0x01", { dir: "right" });
    const callData = encodeFunctionData({
      abi: parseAbi(["function execute(bytes32 mode, bytes executionCalldata)"]),
      functionName: "execute",
      args: [batchMode, "0x00112233"],
    });
    const { status, body } = await rpc(appWith({ client: kernelChain }), params(operation({ callData })));
    expect(status).toBe(400);
    expect(body.error?.code).toBe(-32602);
    expect(body.error?.message).toMatch(/callData.*batch/);
  });
});

describe("an RPC failure", () => {
  it("is a 500 whose log carries no RPC URL (and so no API key)", async () => {
    const logs: string[] = [];
    // The default client: http(RPC_URL) to a port where nothing listens; a well-formed consent op.
    const consent = encodeFunctionData({
      abi: parseAbi(["function grantConsent(uint64 projectId)"]),
      functionName: "grantConsent",
      args: [1n],
    });
    const { status, body } = await rpc(appWith({ logs }), params(operation({ callData: call(consent) })));
    expect(status).toBe(500);
    expect(body.error?.code).toBe(-32603);
    const failure = logs.find((line) => line.includes("sponsorship failed"));
    expect(failure).toBeDefined();
    expect(logs.join("\n")).not.toContain(SECRET);
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });
});

describe("a refusal seen through viem's paymaster client", () => {
  it("keeps its reason: an RpcRequestError with our code, message and data, not 'resource not found'", async () => {
    const app = appWith();
    const paymaster = createPaymasterClient({
      transport: http("http://issuer.test/", { fetchFn: async (input, init) => app.fetch(new Request(input, init)) }),
    });
    const error = await paymaster
      .getPaymasterData({
        chainId: 84532,
        entryPointAddress: entryPoint07Address,
        context: { projectId: "1" },
        sender,
        nonce: 0n,
        callData: call("0x"),
        callGasLimit: 100_000n,
        verificationGasLimit: 100_000n,
        preVerificationGas: 50_000n,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
      })
      .then(
        () => undefined,
        (e: unknown) => e as RpcRequestError,
      );
    expect(error).toBeInstanceOf(RpcRequestError);
    expect(error?.code).toBe(SPONSORSHIP_REFUSED);
    expect(error?.details).toBe("This paymaster serves chain 31337, not 84532");
    expect(error?.data).toMatchObject({ reason: "wrong_chain" });
    expect(error?.message).not.toMatch(/Requested resource not found/);
  });
});

describe("the dApp's browser wallet may ask for sponsorship from its page", () => {
  it.each(["/", "/rpc"])("%s answers CORS for the dApp origin only", async (path) => {
    const preflight = (origin: string) =>
      appWith().request(path, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight(config.kyc.dappOrigin);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(config.kyc.dappOrigin);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
  });
});
