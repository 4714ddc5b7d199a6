/**
 * The shared local stack for the issuer's chain tests (started once by test/global-setup.ts) and
 * helpers every chain test needs: projects, budgets, KYC attestations recorded in the ledger, and
 * issuer service instances (each a replica: own process state, shared PostgreSQL and Redis).
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import {
  type AttestationRequest,
  kycRegistryAbi,
  oneKeyPaymasterAbi,
  projectRegistryAbi,
  signAttestation,
  watchFlags,
} from "@onekey/deploy";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { watchPlans } from "@onekey/service-kit/plans";
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
  toHex,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { inject } from "vitest";
import { type IssuerConfig, loadConfig } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { type IssuerResources, openIssuerResources } from "../../src/resources.js";
import { createIssuerApp, type KycParts } from "../../src/server.js";

export interface StackContracts {
  kycRegistry: Address;
  projectRegistry: Address;
  paymaster: Address;
  factory: Address;
}

/** Hardhat's public test keys: #0 deploys and governs, #1 is the paymaster's default sponsorship signer. */
export const DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const SPONSOR_SIGNER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** Hardhat #2 and #3: a bundler of our own (gas measurements) and an attacker's EOA. */
export const BUNDLER_KEY: Hex = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
export const ATTACKER_KEY: Hex = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
/** OneKey's KYC issuer key in these tests (made up; registered on first use). */
export const KYC_ISSUER_KEY: Hex = keccak256(toHex("onekey-issuer-tests-kyc-issuer"));
export const kycIssuer = privateKeyToAccount(KYC_ISSUER_KEY);
export const LEVEL = 2;

export const deployer = privateKeyToAccount(DEPLOYER_KEY);

export interface Stack {
  rpcUrl: string;
  bookDir: string;
  chainId: number;
  bundlerUrl: string;
  contracts: StackContracts;
  publicClient: PublicClient;
  wallet: WalletClient;
}

let cached: Stack | undefined;

export function stack(): Stack {
  if (cached) return cached;
  const rpcUrl = inject("rpcUrl");
  cached = {
    rpcUrl,
    bookDir: inject("bookDir"),
    chainId: inject("chainId"),
    bundlerUrl: inject("bundlerUrl"),
    contracts: inject("contracts"),
    publicClient: createPublicClient({ chain: hardhat, transport: http(rpcUrl) }) as PublicClient,
    wallet: createWalletClient({ chain: hardhat, transport: http(rpcUrl) }),
  };
  return cached;
}

/** Sends a transaction from the deployer (or `key`) and waits for its success. */
export async function send(
  address: Address,
  abi: readonly unknown[],
  functionName: string,
  args: unknown[],
  options: { value?: bigint; key?: Hex } = {},
) {
  const { wallet, publicClient } = stack();
  const hash = await wallet.writeContract({
    address,
    abi: abi as typeof projectRegistryAbi,
    functionName: functionName as "createOrganization",
    args: args as never,
    value: (options.value ?? 0n) as never,
    account: options.key ? privateKeyToAccount(options.key) : deployer,
    chain: hardhat,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
  return receipt;
}

/** Creates an active project under a fresh organization, funded with `fund` wei (none when 0). */
export async function createProject(slug: string, fund = parseEther("1")): Promise<bigint> {
  const { contracts, publicClient } = stack();
  await send(contracts.projectRegistry, projectRegistryAbi, "createOrganization", [deployer.address, "ipfs://org"]);
  const orgId = await publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "organizationCount",
  });
  await send(contracts.projectRegistry, projectRegistryAbi, "createProject", [
    orgId,
    `${slug}-${randomBytes(3).toString("hex")}`,
    { requiredLevel: LEVEL, acceptedIssuers: [], metadataURI: "" },
  ]);
  const projectId = await publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "projectCount",
  });
  if (fund > 0n) await send(contracts.paymaster, oneKeyPaymasterAbi, "fundProject", [projectId], { value: fund });
  return projectId;
}

export async function budgetOf(projectId: bigint): Promise<bigint> {
  const { contracts, publicClient } = stack();
  const budget = await publicClient.readContract({
    address: contracts.paymaster,
    abi: oneKeyPaymasterAbi,
    functionName: "projectBudget",
    args: [projectId],
  });
  return budget.balance;
}

/** Registers the tests' KYC issuer once per chain. */
export async function ensureKycIssuer(): Promise<void> {
  const { contracts, publicClient } = stack();
  const registered = await publicClient.readContract({
    address: contracts.kycRegistry,
    abi: kycRegistryAbi,
    functionName: "isIssuer",
    args: [kycIssuer.address],
  });
  if (!registered) await send(contracts.kycRegistry, kycRegistryAbi, "registerIssuer", [kycIssuer.address]);
}

export interface SignedAttestationCall {
  request: AttestationRequest;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
  /** KycRegistry.attestBySig(...) calldata. */
  data: Hex;
}

/**
 * What a verification session of `projectId` produces: an attestation of `subject` signed by
 * OneKey's KYC issuer and, when `ledger` is given, recorded in the attestation ledger.
 */
export async function signedAttestation(
  subject: Address,
  projectId: bigint,
  ledger?: IssuerResources["ledger"],
): Promise<SignedAttestationCall> {
  const { contracts, publicClient, chainId } = stack();
  const request: AttestationRequest = {
    subject,
    level: LEVEL,
    expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400,
    storageNetwork: 1,
    storageId: keccak256(toHex(`storage-${subject}`)),
    ciphertextHash: keccak256(toHex(`ciphertext-${subject}`)),
  };
  const nonce = BigInt(
    await publicClient.readContract({
      address: contracts.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "nonceOf",
      args: [subject],
    }),
  );
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const signature = await signAttestation(kycIssuer, {
    chainId,
    registry: contracts.kycRegistry,
    request,
    nonce,
    deadline,
  });
  if (ledger) {
    await ledger.record({
      chainId,
      registry: contracts.kycRegistry,
      request,
      nonce,
      deadline,
      issuer: kycIssuer.address,
      projectId,
    });
  }
  const data = encodeFunctionData({
    abi: kycRegistryAbi,
    functionName: "attestBySig",
    args: [request, kycIssuer.address, nonce, deadline, signature],
  });
  return { request, nonce, deadline, signature, data };
}

export const registryCall = {
  grantConsent: (projectId: bigint) =>
    encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] }),
  revokeConsent: (projectId: bigint) =>
    encodeFunctionData({ abi: kycRegistryAbi, functionName: "revokeConsent", args: [projectId] }),
  erase: () => encodeFunctionData({ abi: kycRegistryAbi, functionName: "erase" }),
  setDecryptDelegate: (delegate: Address) =>
    encodeFunctionData({ abi: kycRegistryAbi, functionName: "setDecryptDelegate", args: [delegate] }),
};

/** A throw-away database for the tests of one file (dropped by `dropTestDatabases`). */
let database: Promise<TestDatabase> | undefined;
export function testDatabase(): Promise<TestDatabase> {
  database ??= createTestDatabase("onekey_issuer_test");
  return database;
}
export async function dropTestDatabase(): Promise<void> {
  const db = await database;
  database = undefined;
  await db?.drop();
}

/** Sandbox settings for an issuer whose tests never reach a provider (nothing listens there). */
export const UNUSED_SANDBOX: Record<string, string> = {
  ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:9",
  ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_unused_token",
  ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "unused-secret-key-0123456789abcdef",
  ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "unused-webhook-secret-0123456789ab",
};

/** The issuer configuration for the shared stack, with `overrides`. */
export async function issuerConfig(overrides: Record<string, string> = {}): Promise<IssuerConfig> {
  const { rpcUrl, bookDir } = stack();
  return loadConfig({
    ONEKEY_NETWORK: "local",
    ONEKEY_RPC_URL: rpcUrl,
    ONEKEY_DEPLOY_BOOK_DIR: bookDir,
    ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_SIGNER_KEY,
    ONEKEY_ISSUER_KYC_SIGNER_KEY: KYC_ISSUER_KEY,
    ONEKEY_ISSUER_DATABASE_URL: (await testDatabase()).url,
    ONEKEY_LOG_LEVEL: "silent",
    ...UNUSED_SANDBOX,
    ...overrides,
  });
}

export interface RunningIssuer {
  url: string;
  config: IssuerConfig;
  resources: IssuerResources;
  /** The session workflow's parts (the tests run the watcher and the cleanup job themselves). */
  kyc: KycParts;
  /** What the plans watcher refused (a changed file that does not parse), oldest first. */
  plansErrors: Error[];
  stop(): Promise<void>;
}

export interface IssuerTestOptions {
  /** Wall clock of the session workflow. */
  now?: () => Date;
  /** Where the issuer logs (JSON lines). */
  logger?: Logger;
}

/** Starts one issuer replica over HTTP on a free port. */
export async function startIssuer(
  overrides: Record<string, string> = {},
  options: IssuerTestOptions = {},
): Promise<RunningIssuer> {
  const config = await issuerConfig(overrides);
  const resources = await openIssuerResources(config);
  // As main.ts does: the network's flag file (ONEKEY_FLAGS_FILE to use another), watched.
  const flags = watchFlags(config.flagsFile, { intervalMs: 50 });
  // And the plans file (ONEKEY_PLANS_FILE to use another), watched.
  const plansErrors: Error[] = [];
  const plans = watchPlans(config.plansFile, { intervalMs: 50, onError: (error) => plansErrors.push(error) });
  const { app, kyc } = createIssuerApp(config, {
    ledger: resources.ledger,
    limits: resources.limits,
    kyc: { db: resources.db, limits: resources.kycLimits, now: options.now },
    logger: options.logger ?? createLogger("silent"),
    flags,
    plans,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  if (!kyc) throw new Error("the issuer was built without its session workflow");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    config,
    resources,
    kyc,
    plansErrors,
    stop: async () => {
      flags.stop();
      plans.stop();
      await new Promise((resolve) => server.close(resolve));
      await resources.close();
    },
  };
}

/** A key prefix of its own, so runs and files never share rate-limit counters. */
export const freshRedisPrefix = () => `onekey:issuer:test:${randomBytes(6).toString("hex")}`;

/** A raw ERC-7677 call to an issuer service, as any wallet would make it. */
export async function paymasterRpc(url: string, method: string, params: unknown[]) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
  });
  return {
    status: response.status,
    ...((await response.json()) as {
      result?: Record<string, unknown>;
      error?: { code: number; message: string; data?: { reason: string; message?: string } };
    }),
  };
}
