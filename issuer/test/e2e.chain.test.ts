/**
 * End to end on a real local stack: a Hardhat chain with OneKey, the canonical EntryPoint v0.7 and
 * OneKeyPaymaster deployed by scripts/deploy.ts; Pimlico's Alto bundler; this issuer service over
 * HTTP. A smart account holding zero ETH attests and consents in one sponsored user operation,
 * paid from its project's budget; the service refuses what it must not sponsor.
 * Needs compiled artifacts (`npx hardhat compile`), like every test that deploys.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi, signAttestation } from "@onekey/deploy";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseEther,
  parseEventLogs,
  toHex,
  type WalletClient,
  zeroAddress,
} from "viem";
import { createBundlerClient, createPaymasterClient, entryPoint07Address } from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Alto, startAlto } from "../../scripts/lib/alto.js";
import { type LocalChain, startLocalChain } from "../../scripts/lib/local-chain.js";
import { loadConfig } from "../src/config.js";
import { createIssuerApp, SPONSORSHIP_REFUSED } from "../src/server.js";
import { toSimpleAccountV07 } from "./support/simple-account.js";

/** Hardhat's public test keys: #0 deploys and governs, #1 is the paymaster's default sponsorship signer. */
const DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SPONSOR_SIGNER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** A KYC issuer's key, made up for this test. */
const issuer = privateKeyToAccount(keccak256(toHex("onekey-e2e-kyc-issuer")));
const LEVEL = 2;

let chain: LocalChain;
let alto: Alto;
let issuerServer: ReturnType<typeof serve>;
let issuerUrl: string;
let contracts: Record<"kycRegistry" | "projectRegistry" | "paymaster" | "factory", Address>;

const deployer = privateKeyToAccount(DEPLOYER_KEY);
let publicClient: PublicClient;
let wallet: WalletClient;

async function send(address: Address, abi: readonly unknown[], functionName: string, args: unknown[], value = 0n) {
  const hash = await wallet.writeContract({
    address,
    abi: abi as typeof projectRegistryAbi,
    functionName: functionName as "createOrganization",
    args: args as never,
    value: value as never,
    account: deployer,
    chain: hardhat,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
  return receipt;
}

/** Creates an active project under a fresh organization; returns its id. */
async function createProject(slug: string): Promise<bigint> {
  await send(contracts.projectRegistry, projectRegistryAbi, "createOrganization", [deployer.address, "ipfs://org"]);
  const orgId = await publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "organizationCount",
  });
  await send(contracts.projectRegistry, projectRegistryAbi, "createProject", [
    orgId,
    slug,
    { requiredLevel: LEVEL, acceptedIssuers: [], metadataURI: "" },
  ]);
  return publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "projectCount",
  });
}

async function budgetOf(projectId: bigint): Promise<bigint> {
  const budget = await publicClient.readContract({
    address: contracts.paymaster,
    abi: oneKeyPaymasterAbi,
    functionName: "projectBudget",
    args: [projectId],
  });
  return budget.balance;
}

/** A raw ERC-7677 call to the issuer service, as any wallet would make it. */
async function paymasterRpc(method: string, params: unknown[]) {
  const response = await fetch(issuerUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
  });
  return (await response.json()) as {
    result?: Record<string, unknown>;
    error?: { code: number; message: string; data?: { reason: string } };
  };
}

let sponsoredProject: bigint;

beforeAll(async () => {
  chain = await startLocalChain();
  const book = chain.deployment?.contracts;
  if (!book?.OneKeyPaymaster || !book.KycRegistry || !book.ProjectRegistry || !book.SimpleAccountFactoryV07) {
    throw new Error(`deployment lacks contracts: ${JSON.stringify(chain.deployment)}`);
  }
  contracts = {
    kycRegistry: book.KycRegistry.address,
    projectRegistry: book.ProjectRegistry.address,
    paymaster: book.OneKeyPaymaster.address,
    factory: book.SimpleAccountFactoryV07.address,
  };
  publicClient = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
  wallet = createWalletClient({ chain: hardhat, transport: http(chain.rpcUrl) });

  const config = loadConfig({
    RPC_URL: chain.rpcUrl,
    CHAIN_ID: String(chain.chainId),
    ENTRY_POINT: entryPoint07Address,
    PAYMASTER_ADDRESS: contracts.paymaster,
    KYC_REGISTRY_ADDRESS: contracts.kycRegistry,
    PROJECT_REGISTRY_ADDRESS: contracts.projectRegistry,
    SPONSOR_SIGNER_PRIVATE_KEY: SPONSOR_SIGNER_KEY,
    SPONSOR_ALLOWED_FACTORIES: contracts.factory,
    LOG_LEVEL: "silent",
  });
  const { app } = createIssuerApp(config);
  issuerServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(server));
  });
  issuerUrl = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;

  alto = await startAlto({ rpcUrl: chain.rpcUrl });

  await send(contracts.kycRegistry, kycRegistryAbi, "registerIssuer", [issuer.address]);
  sponsoredProject = await createProject("e2e-sponsored");
  await send(contracts.paymaster, oneKeyPaymasterAbi, "fundProject", [sponsoredProject], parseEther("1"));
}, 300_000);

afterAll(async () => {
  await alto?.stop();
  await new Promise((resolve) => (issuerServer ? issuerServer.close(resolve) : resolve(undefined)));
  await chain?.stop();
});

describe("sponsored user operation through Alto and the issuer service", () => {
  it("attests and consents from a smart account with zero ETH; the budget pays exactly the actual cost", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const account = await toSimpleAccountV07({ client: publicClient, owner, factory: contracts.factory });
    expect(await publicClient.getBalance({ address: account.address })).toBe(0n);

    const request = {
      subject: account.address,
      level: LEVEL,
      expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400,
      storageNetwork: 1,
      storageId: keccak256(toHex("e2e-storage-id")),
      ciphertextHash: keccak256(toHex("e2e-ciphertext")),
    };
    const nonce = await publicClient.readContract({
      address: contracts.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "nonceOf",
      args: [account.address],
    });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const signature = await signAttestation(issuer, {
      chainId: chain.chainId,
      registry: contracts.kycRegistry,
      request,
      nonce,
      deadline,
    });

    const bundler = createBundlerClient({
      account,
      client: publicClient,
      transport: http(alto.url),
      paymaster: createPaymasterClient({ transport: http(issuerUrl) }),
      paymasterContext: { projectId: sponsoredProject.toString() },
    });
    const budgetBefore = await budgetOf(sponsoredProject);
    const userOpHash = await bundler.sendUserOperation({
      calls: [
        {
          to: contracts.kycRegistry,
          data: encodeFunctionData({
            abi: kycRegistryAbi,
            functionName: "attestBySig",
            args: [request, issuer.address, nonce, deadline, signature],
          }),
        },
        {
          to: contracts.kycRegistry,
          data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [sponsoredProject] }),
        },
      ],
    });
    const { receipt, success } = await bundler.waitForUserOperationReceipt({ hash: userOpHash, timeout: 60_000 });
    expect(success).toBe(true);

    const [sponsored, ...more] = parseEventLogs({
      abi: oneKeyPaymasterAbi,
      eventName: "OperationSponsored",
      logs: receipt.logs,
    });
    expect(more).toHaveLength(0);
    expect(sponsored?.args.projectId).toBe(sponsoredProject);
    expect(sponsored?.args.sender).toBe(account.address);
    expect(sponsored?.args.userOpHash).toBe(userOpHash);
    const actualCost = sponsored?.args.actualCost ?? 0n;
    expect(actualCost).toBeGreaterThan(0n);

    expect(await budgetOf(sponsoredProject)).toBe(budgetBefore - actualCost);
    expect(await publicClient.getBalance({ address: account.address })).toBe(0n);
    expect(
      await publicClient.readContract({
        address: contracts.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "isVerifiedFor",
        args: [account.address, LEVEL, sponsoredProject],
      }),
    ).toBe(true);
  });
});

describe("refusals from the running service", () => {
  /** An unsigned v0.7 operation from a fresh account, hex-encoded as wallets send it. */
  async function operation(calls: { to: Address; data: Hex }[]) {
    const account = await toSimpleAccountV07({
      client: publicClient,
      owner: privateKeyToAccount(generatePrivateKey()),
      factory: contracts.factory,
    });
    const { factory, factoryData } = await account.getFactoryArgs();
    return {
      sender: account.address,
      nonce: "0x0",
      factory,
      factoryData,
      callData: await account.encodeCalls(calls),
      callGasLimit: toHex(200_000),
      verificationGasLimit: toHex(500_000),
      preVerificationGas: toHex(60_000),
      maxFeePerGas: toHex(2_000_000_000),
      maxPriorityFeePerGas: toHex(1_000_000_000),
    };
  }
  const consentTo = (projectId: bigint) => ({
    to: contracts.kycRegistry,
    data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] }),
  });

  it("refuses a call to a contract that is not OneKey's registry (target_not_sponsored)", async () => {
    const op = await operation([
      {
        to: contracts.projectRegistry,
        data: encodeFunctionData({
          abi: projectRegistryAbi,
          functionName: "createOrganization",
          args: [zeroAddress, ""],
        }),
      },
    ]);
    for (const method of ["pm_getPaymasterStubData", "pm_getPaymasterData"]) {
      const { error, result } = await paymasterRpc(method, [
        op,
        entryPoint07Address,
        toHex(chain.chainId),
        { projectId: sponsoredProject.toString() },
      ]);
      expect(result).toBeUndefined();
      expect(error?.code).toBe(SPONSORSHIP_REFUSED);
      expect(error?.data).toEqual({ reason: "target_not_sponsored" });
    }
  });

  it("refuses a project with no budget (budget_empty)", async () => {
    const unfunded = await createProject("e2e-unfunded");
    // The paymaster mirrors the registry's status; syncing makes the project known but leaves it unfunded.
    await send(contracts.paymaster, oneKeyPaymasterAbi, "syncProjectStatus", [unfunded]);
    expect(await budgetOf(unfunded)).toBe(0n);
    const { error } = await paymasterRpc("pm_getPaymasterStubData", [
      await operation([consentTo(unfunded)]),
      entryPoint07Address,
      toHex(chain.chainId),
      { projectId: unfunded.toString() },
    ]);
    expect(error?.code).toBe(SPONSORSHIP_REFUSED);
    expect(error?.data).toEqual({ reason: "budget_empty" });
  });

  it("refuses another chain id (wrong_chain)", async () => {
    const { error } = await paymasterRpc("pm_getPaymasterData", [
      await operation([consentTo(sponsoredProject)]),
      entryPoint07Address,
      toHex(84532),
      { projectId: sponsoredProject.toString() },
    ]);
    expect(error?.code).toBe(SPONSORSHIP_REFUSED);
    expect(error?.data).toEqual({ reason: "wrong_chain" });
  });
});
