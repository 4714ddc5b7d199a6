/**
 * Paymaster gas benchmark, one in-process chain, one run: the gas of one user operation
 * (`handleOps` with one op, a SimpleAccount making the same plain call) sponsored by
 * OneKeyPaymaster, sponsored by eth-infinitism's sample VerifyingPaymaster (the reference), and
 * paid by the account itself. Every figure is the `gasUsed` of a mined transaction, measured on
 * each account's second operation (the first one warms the nonce and budget slots alike).
 * Then the smallest paymaster verification gas limit each paymaster needs (found by simulating
 * `handleOps`), against ERC-7562's verification gas ceiling. Then the accounting: what the project
 * was charged against what the EntryPoint took from the deposit, for the honest operation and for
 * an attacker's (limits far above use, self-bundled). Prints a table, then exactly one JSON line;
 * exits 0 once it has measured (it names the targets it missed).
 *
 *   npx hardhat run scripts/bench/paymaster.ts     (npm run bench:paymaster)
 */

import { entryPointV07Artifact } from "@onekey/devnet/aa-artifacts";
import { ensureDeterministicDeployer } from "@onekey/devnet/deterministic-deployer";
import {
  createSimpleAccount,
  executeCallData,
  handleOperation,
  nonceOf,
  type SimpleAccount,
  signUserOperation,
} from "@onekey/devnet/user-operations";
import { network } from "hardhat";
import { concat, encodeAbiParameters, type Hex, keccak256, parseEther, parseEventLogs, toHex } from "viem";
import { type PackedUserOperation, toPackedUserOperation, type UserOperation } from "viem/account-abstraction";
import { privateKeyToAccount } from "viem/accounts";
import { PROJECT_ROLES } from "../../deploy/constants.js";
import { POST_OP_GAS_MIN, signSponsorship } from "../../deploy/sponsorship.js";
import LocalEntryPointModule from "../../ignition/modules/local/EntryPoint.js";
import PaymasterModule from "../../ignition/modules/Paymaster.js";
import VerifyingPaymasterModule from "./modules/VerifyingPaymasterModule.js";

/** Target of issue 3: sponsored_op <= 1.10 x reference_op. */
const MAX_RATIO = 1.1;
/** ERC-7562's MAX_VERIFICATION_GAS: the most validation gas a bundler accepts per operation. */
const MAX_VERIFICATION_GAS = 500_000n;
const SPONSOR_MANAGER = PROJECT_ROLES.SPONSOR_MANAGER;

const entryPointAbi = entryPointV07Artifact.abi;

const connection = await network.create();
const { viem, ignition } = connection;
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [deployerClient, bundlerClient] = await viem.getWalletClients();
if (!deployerClient || !bundlerClient) throw new Error("The Hardhat network needs two accounts");
const deployer = deployerClient;
const bundler = bundlerClient;
const chainId = await publicClient.getChainId();

// Fixed keys: the sponsorship signer (issuer service) and the owners of the three accounts.
const keyOf = (label: string) => keccak256(toHex(`onekey-bench-${label}`));
const sponsorSigner = privateKeyToAccount(keyOf("sponsor"));
const referenceSigner = privateKeyToAccount(keyOf("reference-sponsor"));

await ensureDeterministicDeployer(publicClient, testClient);
const { entryPointV07, simpleAccountFactoryV07 } = await ignition.deploy(LocalEntryPointModule);
const entryPoint = entryPointV07.address;
const { paymaster, projectRegistry } = await ignition.deploy(PaymasterModule, {
  parameters: { OneKeyPaymaster: { entryPoint, sponsorSigner: sponsorSigner.address } },
});
const { verifyingPaymaster } = await ignition.deploy(VerifyingPaymasterModule, {
  parameters: { VerifyingPaymasterReference: { entryPoint, verifyingSigner: referenceSigner.address } },
});

// A tenant: organization, project, a sponsor manager (the deployer), and a funded budget.
const registry = await viem.getContractAt("ProjectRegistry", projectRegistry.address);
await registry.write.createOrganization([deployer.account.address, "ipfs://bench-org"]);
await registry.write.createProject([1n, "bench", { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" }]);
const projectId = 1n;
await registry.write.grantRole([projectId, deployer.account.address, SPONSOR_MANAGER]);
const oneKey = await viem.getContractAt("OneKeyPaymaster", paymaster.address);
await oneKey.write.fundProject([projectId], { value: parseEther("1") });
// A second project with both caps on, to size validation gas when caps apply.
const cappedProjectId = 2n;
await registry.write.createProject([1n, "bench-capped", { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" }]);
await registry.write.grantRole([cappedProjectId, deployer.account.address, SPONSOR_MANAGER]);
await oneKey.write.fundProject([cappedProjectId], { value: parseEther("1") });
await oneKey.write.setSponsorshipPolicy([
  cappedProjectId,
  { perUserCap: parseEther("0.1"), periodCap: parseEther("0.5"), periodSeconds: 86_400, maxOpCost: 0n },
]);

const owner = (label: string) => privateKeyToAccount(keyOf(label));
const factory = simpleAccountFactoryV07.address;
const accounts = {
  sponsored: await createSimpleAccount(publicClient, deployer, factory, owner("sponsored")),
  reference: await createSimpleAccount(publicClient, deployer, factory, owner("reference")),
  unsponsored: await createSimpleAccount(publicClient, deployer, factory, owner("unsponsored")),
  capped: await createSimpleAccount(publicClient, deployer, factory, owner("capped")),
};
// The account that pays for itself needs ETH; the sponsored ones hold none.
await deployer.sendTransaction({ to: accounts.unsponsored.address, value: parseEther("1") });

/** The same call for every case: a value-less call to an existing account. */
const callData = executeCallData(deployer.account.address, 0n, "0x");
type Sponsor = "onekey" | "onekey-capped" | "reference" | "none";

/** Gas limits of the honest operation; the attacker's asks for far more than it uses. */
const HONEST = { callGasLimit: 50_000n, postOpGasLimit: POST_OP_GAS_MIN };
const ATTACK = { callGasLimit: 2_000_000n, postOpGasLimit: 1_000_000n };

/** A signed, packed user operation; `paymasterVerificationGasLimit` is what the search varies. */
async function buildOperation(
  account: SimpleAccount,
  sponsor: Sponsor,
  paymasterVerificationGasLimit = 100_000n,
  limits = HONEST,
): Promise<PackedUserOperation> {
  const block = await publicClient.getBlock();
  const maxPriorityFeePerGas = 1_000_000_000n;
  const op: UserOperation<"0.7"> = {
    sender: account.address,
    nonce: await nonceOf(publicClient, entryPoint, account.address),
    callData,
    callGasLimit: limits.callGasLimit,
    verificationGasLimit: 100_000n,
    preVerificationGas: 50_000n,
    maxPriorityFeePerGas,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + maxPriorityFeePerGas,
    signature: "0x",
  };
  const validUntil = Number(block.timestamp) + 3600;
  const validAfter = Number(block.timestamp) - 60;
  if (sponsor === "onekey" || sponsor === "onekey-capped") {
    const paymasterLimits = { paymasterVerificationGasLimit, paymasterPostOpGasLimit: limits.postOpGasLimit };
    const paymasterData = await signSponsorship(sponsorSigner, {
      chainId,
      paymaster: paymaster.address,
      userOperation: { ...op, ...paymasterLimits },
      projectId: sponsor === "onekey" ? projectId : cappedProjectId,
      validUntil,
      validAfter,
    });
    Object.assign(op, { paymaster: paymaster.address, ...paymasterLimits, paymasterData });
  } else if (sponsor === "reference") {
    const window = encodeAbiParameters([{ type: "uint48" }, { type: "uint48" }], [validUntil, validAfter]);
    Object.assign(op, {
      paymaster: verifyingPaymaster.address,
      paymasterVerificationGasLimit,
      paymasterPostOpGasLimit: 0n,
      paymasterData: window,
    });
    // The sample signs its own getHash(), which reads the gas limits out of paymasterAndData.
    const hash = (await publicClient.readContract({
      address: verifyingPaymaster.address,
      abi: verifyingPaymaster.abi,
      functionName: "getHash",
      args: [toPackedUserOperation(op), validUntil, validAfter],
    })) as Hex;
    op.paymasterData = concat([window, await referenceSigner.signMessage({ message: { raw: hash } })]);
  }
  return signUserOperation(publicClient, entryPoint, op, account.owner);
}

const handle = (op: PackedUserOperation) => handleOperation(publicClient, bundler, entryPoint, op);

/** Warm-up operation, then the measured one. */
async function measure(account: SimpleAccount, sponsor: Sponsor) {
  await handle(await buildOperation(account, sponsor));
  const handled = await handle(await buildOperation(account, sponsor));
  if (!handled.success) throw new Error(`${sponsor}: the user operation failed`);
  return handled;
}

const sponsored = await measure(accounts.sponsored, "onekey");
const reference = await measure(accounts.reference, "reference");
const unsponsored = await measure(accounts.unsponsored, "none");

/** What the project was charged against what the EntryPoint took from the deposit, in gas. */
function accounting(handled: Awaited<ReturnType<typeof handle>>) {
  const [event] = parseEventLogs({ abi: oneKey.abi, logs: handled.receipt.logs, eventName: "OperationSponsored" });
  if (!event) throw new Error("no OperationSponsored: postOp did not run");
  const charged = event.args.actualCost;
  const taken = handled.actualGasCost;
  // The fee per gas the EntryPoint charged the operation (not the bundler's gas price).
  const feePerGas = handled.actualGasCost / handled.actualGasUsed;
  const gas = (wei: bigint) => Number(wei / feePerGas);
  return {
    charged,
    taken,
    leakGas: charged < taken ? gas(taken - charged) : 0,
    overchargeGas: charged > taken ? gas(charged - taken) : 0,
  };
}
const honest = accounting(sponsored);
// The attacker of issue 11: limits far above use, so v0.7's 10% penalty on unused execution gas
// is large; the attacker bundles its own operation with itself as the beneficiary.
const attack = accounting(await handle(await buildOperation(accounts.sponsored, "onekey", 100_000n, ATTACK)));

/** Smallest paymasterVerificationGasLimit with which `handleOps` still succeeds (simulated). */
async function minimalVerificationGas(account: SimpleAccount, sponsor: Sponsor): Promise<bigint> {
  const passes = async (limit: bigint) => {
    const op = await buildOperation(account, sponsor, limit);
    try {
      await publicClient.simulateContract({
        account: bundler.account,
        address: entryPoint,
        abi: entryPointAbi,
        functionName: "handleOps",
        args: [[op], bundler.account.address],
      });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0n;
  let high = 200_000n;
  if (!(await passes(high))) throw new Error(`${sponsor}: validation needs more than ${high} gas`);
  while (high - low > 100n) {
    const middle = (low + high) / 2n;
    if (await passes(middle)) high = middle;
    else low = middle;
  }
  return high;
}
const oneKeyValidationGas = await minimalVerificationGas(accounts.sponsored, "onekey");
const referenceValidationGas = await minimalVerificationGas(accounts.reference, "reference");
// Worst case with caps: the account's and the project's first operation in a period (two
// spend slots go from zero to non-zero).
const cappedValidationGas = await minimalVerificationGas(accounts.capped, "onekey-capped");

const result = {
  sponsored_op: Number(sponsored.receipt.gasUsed),
  reference_op: Number(reference.receipt.gasUsed),
  unsponsored_op: Number(unsponsored.receipt.gasUsed),
  deposit_leak_gas: honest.leakGas,
  project_overcharge_gas: honest.overchargeGas,
  attack_deposit_leak_gas: attack.leakGas,
};
const ratio = result.sponsored_op / result.reference_op;
const rows: [string, string, string][] = [
  ["handleOps, OneKeyPaymaster", String(result.sponsored_op), `${ratio.toFixed(3)} x reference`],
  ["handleOps, reference VerifyingPaymaster", String(result.reference_op), "1.000 x reference"],
  ["handleOps, no paymaster (account pays)", String(result.unsponsored_op), ""],
  ["paymaster validation gas, OneKey", String(oneKeyValidationGas), `limit ${MAX_VERIFICATION_GAS} (ERC-7562)`],
  ["paymaster validation gas, OneKey with caps", String(cappedValidationGas), "first operation in a period"],
  ["paymaster validation gas, reference", String(referenceValidationGas), ""],
  ["paymaster postOp gas limit used", String(POST_OP_GAS_MIN), "POST_OP_GAS_MIN"],
  [
    "honest op: charged to project / taken from deposit",
    `${honest.charged} / ${honest.taken} wei`,
    `deposit leak ${honest.leakGas} gas, project overcharge ${honest.overchargeGas} gas`,
  ],
  [
    "attack op: charged to project / taken from deposit",
    `${attack.charged} / ${attack.taken} wei`,
    `deposit leak ${attack.leakGas} gas, project overcharge ${attack.overchargeGas} gas`,
  ],
];
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));

const failures: string[] = [];
if (ratio > MAX_RATIO) failures.push(`sponsored_op is ${ratio.toFixed(3)} x reference_op (target <= ${MAX_RATIO})`);
if (result.deposit_leak_gas > 0 || result.attack_deposit_leak_gas > 0) {
  failures.push("the deposit paid for a project's operation (deposit_leak_gas > 0)");
}
if (cappedValidationGas > MAX_VERIFICATION_GAS) {
  failures.push(`paymaster validation needs ${cappedValidationGas} gas (> ${MAX_VERIFICATION_GAS})`);
}
for (const failure of failures) console.log(`TARGET MISSED: ${failure}`);
console.log(JSON.stringify(result));
