/**
 * OneKeyPaymaster through the production Ignition modules on an in-process chain: the canonical
 * EntryPoints land at their canonical addresses, the paymaster modules deploy and stake, the
 * sponsorship helper of deploy/sponsorship.ts signs exactly what the contract verifies, and a
 * SimpleAccount holding no ETH gets a sponsored operation paid from its project's budget.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ENTRY_POINT_V07, ENTRY_POINT_V08, SIMPLE_ACCOUNT_FACTORY_V07 } from "@onekey/deploy";
import { entryPointV07Artifact, simpleAccountFactoryV07Artifact } from "@onekey/devnet/aa-artifacts";
import { ensureDeterministicDeployer } from "@onekey/devnet/deterministic-deployer";
import {
  createSimpleAccount,
  executeCallData,
  handleOperation,
  nonceOf,
  signUserOperation,
} from "@onekey/devnet/user-operations";
import { network } from "hardhat";
import { type Address, getAddress, hashTypedData, keccak256, parseEther, parseEventLogs, toHex } from "viem";
import { toPackedUserOperation, type UserOperation } from "viem/account-abstraction";
import { privateKeyToAccount } from "viem/accounts";
import {
  decodePaymasterData,
  encodePaymasterData,
  POST_OP_GAS_MIN,
  type SponsorshipParams,
  STUB_SIGNATURE,
  signSponsorship,
  sponsorshipTypedData,
  stubPaymasterData,
} from "../../deploy/sponsorship.js";
import LocalEntryPointModule from "../../ignition/modules/local/EntryPoint.js";
import PaymasterModule, { DEFAULT_MAX_OP_COST } from "../../ignition/modules/Paymaster.js";
import PaymasterV08Module from "../../ignition/modules/PaymasterV08.js";

const SPONSOR_MANAGER = 1 << 2;
const PROJECT_ID = 1n;

const { viem, ignition } = await network.create();
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [deployerWallet, sponsorSignerWallet, bundlerWallet] = await viem.getWalletClients();
if (!deployerWallet || !sponsorSignerWallet || !bundlerWallet) throw new Error("need three accounts");
const deployer = deployerWallet;
const bundler = bundlerWallet;
const chainId = await publicClient.getChainId();
const sponsorSigner = privateKeyToAccount(keccak256(toHex("onekey-paymaster-test-sponsor")));

await ensureDeterministicDeployer(publicClient, testClient);
const local = await ignition.deploy(LocalEntryPointModule);
const { paymaster, projectRegistry } = await ignition.deploy(PaymasterModule, {
  parameters: { OneKeyPaymaster: { sponsorSigner: sponsorSigner.address } },
});
// A separate in-memory deployment: it brings its own OneKey registries (one journal on a real network shares them).
const { paymaster: paymasterV08, projectRegistry: projectRegistryV08 } = await ignition.deploy(PaymasterV08Module);
const oneKey = await viem.getContractAt("OneKeyPaymaster", paymaster.address);

/** A v0.7 user operation from `sender` with OneKey's paymaster limits, not yet sponsored. */
async function operation(sender: Address): Promise<UserOperation<"0.7">> {
  const block = await publicClient.getBlock();
  return {
    sender,
    nonce: await nonceOf(publicClient, ENTRY_POINT_V07, sender),
    callData: executeCallData(deployer.account.address, 0n, "0x"),
    callGasLimit: 60_000n,
    verificationGasLimit: 150_000n,
    preVerificationGas: 50_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + 1_000_000_000n,
    paymaster: paymaster.address,
    paymasterVerificationGasLimit: 80_000n,
    paymasterPostOpGasLimit: POST_OP_GAS_MIN,
    signature: "0x",
  };
}

async function sponsorshipFor(op: UserOperation<"0.7">): Promise<SponsorshipParams> {
  const { timestamp } = await publicClient.getBlock();
  return {
    chainId,
    paymaster: paymaster.address,
    userOperation: {
      ...op,
      paymasterVerificationGasLimit: op.paymasterVerificationGasLimit ?? 0n,
      paymasterPostOpGasLimit: op.paymasterPostOpGasLimit ?? 0n,
    },
    projectId: PROJECT_ID,
    validUntil: Number(timestamp) + 600,
    validAfter: Number(timestamp) - 1,
  };
}

before(async () => {
  const registry = await viem.getContractAt("ProjectRegistry", projectRegistry.address);
  await registry.write.createOrganization([deployer.account.address, "ipfs://org"]);
  await registry.write.createProject([
    1n,
    "paymaster-test",
    { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" },
  ]);
  await registry.write.grantRole([PROJECT_ID, deployer.account.address, SPONSOR_MANAGER]);
  await oneKey.write.fundProject([PROJECT_ID], { value: parseEther("1") });
});

describe("local EntryPoint module", () => {
  it("puts EntryPoint v0.7, its SimpleAccountFactory and v0.8 at the canonical addresses", async () => {
    assert.equal(getAddress(local.entryPointV07.address), ENTRY_POINT_V07);
    assert.equal(getAddress(local.simpleAccountFactoryV07.address), SIMPLE_ACCOUNT_FACTORY_V07);
    assert.equal(getAddress(local.entryPointV08.address), ENTRY_POINT_V08);
    for (const address of [ENTRY_POINT_V07, ENTRY_POINT_V08, SIMPLE_ACCOUNT_FACTORY_V07]) {
      const code = await publicClient.getCode({ address });
      assert.ok(code && code.length > 2, `no code at ${address}`);
    }
    const implementation = (await publicClient.readContract({
      address: SIMPLE_ACCOUNT_FACTORY_V07,
      abi: simpleAccountFactoryV07Artifact.abi,
      functionName: "accountImplementation",
    })) as Address;
    const implementationEntryPoint = await publicClient.readContract({
      address: implementation,
      abi: [
        { type: "function", name: "entryPoint", inputs: [], outputs: [{ type: "address" }], stateMutability: "view" },
      ],
      functionName: "entryPoint",
    });
    assert.equal(getAddress(implementationEntryPoint), ENTRY_POINT_V07);
  });
});

describe("Paymaster modules", () => {
  it("deploy a staked OneKeyPaymaster on each EntryPoint, wired to the OneKey registry", async () => {
    const v08 = await viem.getContractAt("OneKeyPaymaster", paymasterV08.address);
    const cases = [
      {
        contract: oneKey,
        entryPoint: ENTRY_POINT_V07,
        signer: sponsorSigner.address,
        registry: projectRegistry.address,
      },
      {
        contract: v08,
        entryPoint: ENTRY_POINT_V08,
        signer: sponsorSignerWallet.account.address,
        registry: projectRegistryV08.address,
      },
    ];
    const overheads = new Set<bigint>();
    for (const { contract, entryPoint, signer, registry } of cases) {
      assert.equal(await contract.read.version(), "1.0.0");
      assert.equal(getAddress(await contract.read.entryPoint()), entryPoint);
      assert.equal(getAddress(await contract.read.projectRegistry()), getAddress(registry));
      assert.equal(getAddress(await contract.read.signer()), getAddress(signer));
      assert.equal(getAddress(await contract.read.owner()), getAddress(deployer.account.address));
      assert.equal(await contract.read.defaultMaxOpCost(), DEFAULT_MAX_OP_COST);
      overheads.add(await contract.read.postOpOverheadGas());
      const info = (await publicClient.readContract({
        address: entryPoint,
        abi: entryPointV07Artifact.abi,
        functionName: "getDepositInfo",
        args: [contract.address],
      })) as { staked: boolean; stake: bigint; unstakeDelaySec: number };
      assert.equal(info.staked, true);
      assert.equal(info.stake, parseEther("1"));
      assert.equal(info.unstakeDelaySec, 86_400);
    }
    assert.equal(overheads.size, 2, "each EntryPoint version has its own postOp overhead");
  });
});

describe("sponsorship helper", () => {
  it("hashes to the contract's sponsorshipDigest, initCode included", async () => {
    const op = await operation(deployer.account.address);
    Object.assign(op, { factory: SIMPLE_ACCOUNT_FACTORY_V07, factoryData: "0xdeadbeef", nonce: 7n });
    const params = await sponsorshipFor(op);
    const onChain = await oneKey.read.sponsorshipDigest([
      toPackedUserOperation(op),
      params.projectId,
      params.validUntil,
      params.validAfter,
    ]);
    assert.equal(hashTypedData(sponsorshipTypedData(params)), onChain);
  });

  it("round-trips paymasterData and rejects malformed input", () => {
    const data = { projectId: 42n, validUntil: 1_900_000_000, validAfter: 1_800_000_000, signature: STUB_SIGNATURE };
    const encoded = encodePaymasterData(data);
    assert.equal((encoded.length - 2) / 2, 85);
    assert.deepEqual(decodePaymasterData(encoded), data);
    assert.equal(stubPaymasterData(data), encoded);
    assert.throws(() => encodePaymasterData({ ...data, signature: "0x1234" }), /65 bytes/);
    assert.throws(() => decodePaymasterData("0x00"), /85 bytes/);
  });

  it("signs what validation accepts, while the stub only flags a signature failure", async () => {
    const account = privateKeyToAccount(keccak256(toHex("onekey-paymaster-test-account")));
    const { address } = await createSimpleAccount(publicClient, deployer, SIMPLE_ACCOUNT_FACTORY_V07, account, 1n);
    const op = await operation(address);
    const params = await sponsorshipFor(op);
    const validate = async (paymasterData: `0x${string}`) => {
      const { result } = await publicClient.simulateContract({
        account: ENTRY_POINT_V07,
        address: paymaster.address,
        abi: oneKey.abi,
        functionName: "validatePaymasterUserOp",
        args: [toPackedUserOperation({ ...op, paymasterData }), keccak256("0x01"), 1_000_000n],
      });
      return result[1];
    };
    assert.equal((await validate(await signSponsorship(sponsorSigner, params))) & 1n, 0n);
    assert.equal((await validate(stubPaymasterData(params))) & 1n, 1n);
  });
});

describe("sponsored operation", () => {
  it("lets a SimpleAccount without ETH act, and charges its project the reported cost", async () => {
    const owner = privateKeyToAccount(keccak256(toHex("onekey-paymaster-test-owner")));
    const account = await createSimpleAccount(publicClient, deployer, SIMPLE_ACCOUNT_FACTORY_V07, owner);
    assert.equal(await publicClient.getBalance({ address: account.address }), 0n);
    const budgetBefore = (await oneKey.read.projectBudget([PROJECT_ID])).balance;
    const depositBefore = await oneKey.read.getDeposit();

    const op = await operation(account.address);
    op.paymasterData = await signSponsorship(sponsorSigner, await sponsorshipFor(op));
    const handled = await handleOperation(
      publicClient,
      bundler,
      ENTRY_POINT_V07,
      await signUserOperation(publicClient, ENTRY_POINT_V07, op, owner),
    );

    assert.equal(handled.success, true);
    const [sponsored] = parseEventLogs({
      abi: oneKey.abi,
      logs: handled.receipt.logs,
      eventName: "OperationSponsored",
    });
    assert.ok(sponsored, "OperationSponsored emitted");
    assert.equal(sponsored.args.projectId, PROJECT_ID);
    assert.equal(getAddress(sponsored.args.sender), getAddress(account.address));
    assert.equal(sponsored.args.userOpHash, handled.userOpHash);
    assert.equal((await oneKey.read.projectBudget([PROJECT_ID])).balance, budgetBefore - sponsored.args.actualCost);
    assert.equal(await oneKey.read.getDeposit(), depositBefore - handled.actualGasCost);
    assert.ok(sponsored.args.actualCost >= handled.actualGasCost, "the project pays at least what the deposit paid");
    assert.equal(await publicClient.getBalance({ address: account.address }), 0n);
    assert.equal(await nonceOf(publicClient, ENTRY_POINT_V07, account.address), 1n);
  });
});
