/**
 * End to end on the real local stack (test/global-setup.ts): Hardhat chain with OneKey, the
 * canonical EntryPoint v0.7 and OneKeyPaymaster; Pimlico's Alto bundler; this issuer service
 * over HTTP with its PostgreSQL ledger and Redis limits. A smart account holding zero ETH is
 * verified by its project's session, then attests and consents in one sponsored operation paid
 * from that project's budget, and later (deployed) names its decrypt delegate and revokes.
 */
import {
  kycRegistryAbi,
  oneKeyPaymasterAbi,
  PAYMASTER_VERIFICATION_GAS_LIMIT,
  POST_OP_GAS_MIN,
  projectRegistryAbi,
} from "@onekey/deploy";
import { toSimpleAccountV07 } from "@onekey/web/simple-account";
import { http, parseEventLogs, toHex } from "viem";
import { createBundlerClient, createPaymasterClient, entryPoint07Address } from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executableCode, PROXY_CODE } from "../src/sponsorship/accounts.js";
import {
  budgetOf,
  createProject,
  deployer,
  dropTestDatabase,
  ensureKycIssuer,
  freshRedisPrefix,
  LEVEL,
  paymasterRpc,
  type RunningIssuer,
  registryCall,
  send,
  signedAttestation,
  stack,
  startIssuer,
} from "./support/stack.js";

/** ProjectRegistry's SPONSOR_MANAGER role bit. */
const SPONSOR_MANAGER = 1 << 2;

let issuer: RunningIssuer;
let projectId: bigint;

beforeAll(async () => {
  await ensureKycIssuer();
  issuer = await startIssuer({ ONEKEY_ISSUER_REDIS_KEY_PREFIX: freshRedisPrefix() });
  projectId = await createProject("e2e");
});
afterAll(async () => {
  await issuer?.stop();
  await dropTestDatabase();
});

describe("sponsored user operations through Alto and the issuer service", () => {
  it("refuses, with its reason, an operation above the project's per-operation limit", async () => {
    const { publicClient, contracts } = stack();
    const limited = await createProject("limited");
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [
      limited,
      deployer.address,
      SPONSOR_MANAGER,
    ]);
    await send(contracts.paymaster, oneKeyPaymasterAbi, "setSponsorshipPolicy", [
      limited,
      { perUserCap: 0n, periodCap: 0n, periodSeconds: 0, maxOpCost: 1n },
    ]);
    const account = await toSimpleAccountV07({
      client: publicClient,
      owner: privateKeyToAccount(generatePrivateKey()),
      factory: contracts.factory,
    });
    const attestation = await signedAttestation(account.address, limited, issuer.resources.ledger);
    const budgetBefore = await budgetOf(limited);
    const { factory, factoryData } = await account.getFactoryArgs();
    const block = await publicClient.getBlock();
    const maxPriorityFeePerGas = 1_000_000_000n;
    // Limits well inside the service's gas caps: only the project's own limit refuses it.
    const response = await paymasterRpc(issuer.url, "pm_getPaymasterData", [
      {
        sender: account.address,
        nonce: "0x0",
        factory,
        factoryData,
        callData: await account.encodeCalls([
          { to: contracts.kycRegistry, data: attestation.data },
          { to: contracts.kycRegistry, data: registryCall.grantConsent(limited) },
        ]),
        callGasLimit: toHex(150_000n),
        verificationGasLimit: toHex(250_000n),
        preVerificationGas: toHex(60_000n),
        maxFeePerGas: toHex((block.baseFeePerGas ?? 0n) + maxPriorityFeePerGas),
        maxPriorityFeePerGas: toHex(maxPriorityFeePerGas),
      },
      entryPoint07Address,
      toHex(stack().chainId),
      { projectId: limited.toString() },
    ]);
    expect(response.error?.data?.reason).toBe("op_cost_too_high");
    expect(response.error?.message).toMatch(/per-operation limit 1 wei/);
    expect(response.result).toBeUndefined();
    expect(await budgetOf(limited)).toBe(budgetBefore);
  });

  it("verifies, consents, names a delegate and revokes from a zero-ETH SimpleAccount; the budget pays", async () => {
    const { publicClient, contracts, bundlerUrl } = stack();
    const account = await toSimpleAccountV07({
      client: publicClient,
      owner: privateKeyToAccount(generatePrivateKey()),
      factory: contracts.factory,
    });
    expect(await publicClient.getBalance({ address: account.address })).toBe(0n);
    const bundler = createBundlerClient({
      account,
      client: publicClient,
      transport: http(bundlerUrl),
      paymaster: createPaymasterClient({ transport: http(issuer.url) }),
      paymasterContext: { projectId: projectId.toString() },
    });

    // The project's verification session ends with an attestation our issuer signed (and recorded).
    const attestation = await signedAttestation(account.address, projectId, issuer.resources.ledger);
    // The ledger's digest is the registry's own.
    const digest = await publicClient.readContract({
      address: contracts.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "hashAttestation",
      args: [attestation.request, attestation.nonce, attestation.deadline],
    });
    expect((await issuer.resources.ledger.find(digest))?.projectId).toBe(projectId);

    // The stub proposes the paymaster gas limits of @onekey/deploy: one number, from one place.
    const { factory, factoryData } = await account.getFactoryArgs();
    const stub = await paymasterRpc(issuer.url, "pm_getPaymasterStubData", [
      {
        sender: account.address,
        nonce: "0x0",
        factory,
        factoryData,
        callData: await account.encodeCalls([
          { to: contracts.kycRegistry, data: attestation.data },
          { to: contracts.kycRegistry, data: registryCall.grantConsent(projectId) },
        ]),
        callGasLimit: "0x0",
        verificationGasLimit: "0x0",
        preVerificationGas: "0x0",
        maxFeePerGas: "0x0",
        maxPriorityFeePerGas: "0x0",
      },
      entryPoint07Address,
      toHex(stack().chainId),
      { projectId: projectId.toString() },
    ]);
    expect(stub.result).toMatchObject({
      paymasterPostOpGasLimit: toHex(POST_OP_GAS_MIN),
      paymasterVerificationGasLimit: toHex(PAYMASTER_VERIFICATION_GAS_LIMIT),
    });
    const budgetBefore = await budgetOf(projectId);
    const userOpHash = await bundler.sendUserOperation({
      calls: [
        { to: contracts.kycRegistry, data: attestation.data },
        { to: contracts.kycRegistry, data: registryCall.grantConsent(projectId) },
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
    expect(sponsored?.args).toMatchObject({ projectId, sender: account.address, userOpHash });
    const actualCost = sponsored?.args.actualCost ?? 0n;
    expect(actualCost).toBeGreaterThan(0n);
    expect(await budgetOf(projectId)).toBe(budgetBefore - actualCost);
    expect(await publicClient.getBalance({ address: account.address })).toBe(0n);
    expect(
      await publicClient.readContract({
        address: contracts.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "isVerifiedFor",
        args: [account.address, LEVEL, projectId],
      }),
    ).toBe(true);

    // Now deployed: the service recognises it by its proxy code and ERC-1967 implementation.
    const code = await publicClient.getCode({ address: account.address });
    expect(executableCode(code ?? "0x")).toBe(PROXY_CODE.ozErc1967);
    const delegate = privateKeyToAccount(generatePrivateKey()).address;
    const second = await bundler.sendUserOperation({
      calls: [{ to: contracts.kycRegistry, data: registryCall.setDecryptDelegate(delegate) }],
    });
    expect((await bundler.waitForUserOperationReceipt({ hash: second, timeout: 60_000 })).success).toBe(true);
    expect(
      await publicClient.readContract({
        address: contracts.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "decryptDelegateOf",
        args: [account.address],
      }),
    ).toBe(delegate);

    const third = await bundler.sendUserOperation({
      calls: [{ to: contracts.kycRegistry, data: registryCall.revokeConsent(projectId) }],
    });
    expect((await bundler.waitForUserOperationReceipt({ hash: third, timeout: 60_000 })).success).toBe(true);
    expect(
      await publicClient.readContract({
        address: contracts.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "hasConsent",
        args: [account.address, projectId],
      }),
    ).toBe(false);
  });
});
