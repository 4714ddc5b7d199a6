/**
 * Measures the gas the sponsored operations need, on the shared local chain, the way the
 * EntryPoint meters it: each figure is the smallest limit with which a real sponsored operation
 * of a SimpleAccount v0.7 still succeeds, found by binary search. Call gas runs real `handleOps`
 * transactions (the EntryPoint swallows an out-of-gas call, so only the mined event tells);
 * verification gas simulates `handleOps` (too little makes it revert). Every probe uses a fresh
 * account, so each sees the worst state a first-time user meets.
 */
import { PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED, POST_OP_GAS_MIN, signSponsorship } from "@onekey/deploy";
import { type Address, encodeFunctionData, type Hex, parseAbi, parseEventLogs, parseGwei } from "viem";
import {
  entryPoint07Abi,
  entryPoint07Address,
  getUserOperationHash,
  type PackedUserOperation,
  toPackedUserOperation,
  type UserOperation,
} from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import type { AttestationLedger } from "../../src/ledger/attestation-ledger.js";
import { preVerificationGasBase } from "../../src/sponsorship/gas-caps.js";
import type { CallShape } from "../../src/sponsorship/policy.js";
import {
  BUNDLER_KEY,
  deployer,
  ensureKycIssuer,
  registryCall,
  SPONSOR_SIGNER_KEY,
  send,
  signedAttestation,
  stack,
} from "./stack.js";

const factoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function getAddress(address owner, uint256 salt) view returns (address)",
]);
const accountAbi = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
]);

const sponsor = privateKeyToAccount(SPONSOR_SIGNER_KEY);
const bundler = privateKeyToAccount(BUNDLER_KEY);
/** Generous limits for the fields not being measured. */
const GENEROUS = { call: 1_000_000n, verification: 2_000_000n, preVerification: 100_000n };

interface Account {
  address: Address;
  owner: ReturnType<typeof privateKeyToAccount>;
  deployed: boolean;
}

async function freshAccount(deploy: boolean): Promise<Account> {
  const { publicClient, contracts } = stack();
  const owner = privateKeyToAccount(generatePrivateKey());
  const args = [owner.address, 0n] as const;
  // v0.7's factory lets anyone deploy: an account made outside an operation has nonce 0 (the worst case).
  if (deploy) await send(contracts.factory, factoryAbi, "createAccount", [...args]);
  const address = await publicClient.readContract({
    address: contracts.factory,
    abi: factoryAbi,
    functionName: "getAddress",
    args,
  });
  return { address, owner, deployed: deploy };
}

function executeCalls(calls: Hex[]): Hex {
  const { contracts } = stack();
  const [only] = calls;
  if (only && calls.length === 1) {
    return encodeFunctionData({ abi: accountAbi, functionName: "execute", args: [contracts.kycRegistry, 0n, only] });
  }
  return encodeFunctionData({
    abi: accountAbi,
    functionName: "executeBatch",
    args: [calls.map(() => contracts.kycRegistry), [], calls],
  });
}

async function buildOperation(
  account: Account,
  callData: Hex,
  projectId: bigint,
  limits: { call: bigint; verification: bigint; preVerification: bigint },
): Promise<PackedUserOperation> {
  const { publicClient, contracts, chainId } = stack();
  const block = await publicClient.getBlock();
  const nonce = await publicClient.readContract({
    address: entryPoint07Address,
    abi: entryPoint07Abi,
    functionName: "getNonce",
    args: [account.address, 0n],
  });
  const maxPriorityFeePerGas = parseGwei("1");
  const op: UserOperation<"0.7"> = {
    sender: account.address,
    nonce,
    ...(account.deployed
      ? {}
      : {
          factory: contracts.factory,
          factoryData: encodeFunctionData({
            abi: factoryAbi,
            functionName: "createAccount",
            args: [account.owner.address, 0n],
          }),
        }),
    callData,
    callGasLimit: limits.call,
    verificationGasLimit: limits.verification,
    preVerificationGas: limits.preVerification,
    maxPriorityFeePerGas,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + maxPriorityFeePerGas,
    paymaster: contracts.paymaster,
    paymasterVerificationGasLimit: PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED,
    paymasterPostOpGasLimit: POST_OP_GAS_MIN,
    signature: "0x",
  };
  const validAfter = Number(block.timestamp) - 60;
  op.paymasterData = await signSponsorship(sponsor, {
    chainId,
    paymaster: contracts.paymaster,
    userOperation: op as UserOperation<"0.7"> & {
      paymasterVerificationGasLimit: bigint;
      paymasterPostOpGasLimit: bigint;
    },
    projectId,
    validUntil: validAfter + 3600,
    validAfter,
  });
  const userOpHash = getUserOperationHash({
    userOperation: op,
    entryPointAddress: entryPoint07Address,
    entryPointVersion: "0.7",
    chainId,
  });
  op.signature = await account.owner.signMessage({ message: { raw: userOpHash } });
  return toPackedUserOperation(op);
}

/** Mines `handleOps([op])` from our bundler; returns the op's outcome and the bundle's real gas. */
async function handle(op: PackedUserOperation) {
  const { wallet, publicClient } = stack();
  const hash = await wallet.writeContract({
    address: entryPoint07Address,
    abi: entryPoint07Abi,
    functionName: "handleOps",
    args: [[op], bundler.address],
    account: bundler,
    chain: hardhat,
    // Probes fail inside on purpose: gas estimation would refuse them, so give a fixed limit.
    gas: 5_000_000n,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`handleOps reverted: ${hash}`);
  const [event] = parseEventLogs({ abi: entryPoint07Abi, logs: receipt.logs, eventName: "UserOperationEvent" });
  if (!event) throw new Error("no UserOperationEvent");
  return { success: event.args.success, actualGasUsed: event.args.actualGasUsed, gasUsed: receipt.gasUsed };
}

async function simulates(op: PackedUserOperation): Promise<boolean> {
  try {
    await stack().publicClient.simulateContract({
      account: bundler,
      address: entryPoint07Address,
      abi: entryPoint07Abi,
      functionName: "handleOps",
      args: [[op], bundler.address],
    });
    return true;
  } catch {
    return false;
  }
}

/** Smallest value in (low, high] for which `passes` holds (it must hold at `high`), to `step` gas. */
async function smallest(low: bigint, high: bigint, passes: (gas: bigint) => Promise<boolean>, step = 32n) {
  if (!(await passes(high))) throw new Error(`needs more than ${high} gas`);
  while (high - low > step) {
    const middle = (low + high) / 2n;
    if (await passes(middle)) high = middle;
    else low = middle;
  }
  return high;
}

export interface GasMeasurement {
  call: Record<CallShape, bigint>;
  verification: { deployed: bigint; withInitCode: bigint };
}

/** Sets `account` up so that `shape` meets the state it needs, and returns the shape's calls. */
async function prepare(shape: CallShape, projectId: bigint, ledger: AttestationLedger | undefined) {
  const needsSetup = shape === "revokeConsent" || shape === "erase";
  const account = await freshAccount(needsSetup);
  if (shape === "revokeConsent") {
    const op = await buildOperation(account, executeCalls([registryCall.grantConsent(projectId)]), projectId, GENEROUS);
    if (!(await handle(op)).success) throw new Error("setup grantConsent failed");
  }
  if (shape === "erase") {
    const attestation = await signedAttestation(account.address, projectId, ledger);
    const op = await buildOperation(account, executeCalls([attestation.data]), projectId, GENEROUS);
    if (!(await handle(op)).success) throw new Error("setup attestBySig failed");
  }
  if (needsSetup) account.deployed = true;
  const calls: Hex[] = [];
  for (const name of shape.split("+")) {
    if (name === "attestBySig") calls.push((await signedAttestation(account.address, projectId, ledger)).data);
    if (name === "grantConsent") calls.push(registryCall.grantConsent(projectId));
    if (name === "revokeConsent") calls.push(registryCall.revokeConsent(projectId));
    if (name === "erase") calls.push(registryCall.erase());
    if (name === "setDecryptDelegate") calls.push(registryCall.setDecryptDelegate(deployer.address));
  }
  return { account, callData: executeCalls(calls) };
}

export async function measureCallGas(shape: CallShape, projectId: bigint): Promise<bigint> {
  return smallest(0n, GENEROUS.call, async (call) => {
    const { account, callData } = await prepare(shape, projectId, undefined);
    const op = await buildOperation(account, callData, projectId, { ...GENEROUS, call });
    return (await handle(op)).success;
  });
}

export async function measureVerificationGas(deployed: boolean, projectId: bigint): Promise<bigint> {
  // The largest callData sponsored (the verify batch): the EntryPoint hashes and copies it in validation.
  const { callData } = await prepare("attestBySig+grantConsent", projectId, undefined);
  const account = await freshAccount(deployed);
  return smallest(0n, GENEROUS.verification, async (verification) =>
    simulates(await buildOperation(account, callData, projectId, { ...GENEROUS, verification })),
  );
}

export const MEASURED_SHAPES: readonly CallShape[] = [
  "attestBySig",
  "grantConsent",
  "revokeConsent",
  "erase",
  "setDecryptDelegate",
  "attestBySig+grantConsent",
];

/** The whole table (what MEASURED_GAS in src/sponsorship/gas-caps.ts holds). */
export async function measureGasTable(projectId: bigint): Promise<GasMeasurement> {
  await ensureKycIssuer();
  const call = {} as Record<CallShape, bigint>;
  for (const shape of MEASURED_SHAPES) call[shape] = await measureCallGas(shape, projectId);
  return {
    call,
    verification: {
      deployed: await measureVerificationGas(true, projectId),
      withInitCode: await measureVerificationGas(false, projectId),
    },
  };
}

/**
 * How the bundler fares on a real bundle of `shape` signed with preVerificationGas at the
 * formula (no margin) and every other limit at its measurement: what the EntryPoint charged the
 * operation (actualGasUsed) minus what the bundle transaction really used.
 */
export async function bundlerSurplus(shape: CallShape, projectId: bigint, measured: GasMeasurement) {
  const { account, callData } = await prepare(shape, projectId, undefined);
  const { contracts } = stack();
  const preVerification = preVerificationGasBase(
    {
      sender: account.address,
      nonce: 0n,
      callData,
      factory: contracts.factory,
      factoryData: encodeFunctionData({
        abi: factoryAbi,
        functionName: "createAccount",
        args: [account.owner.address, 0n],
      }),
    },
    contracts.paymaster,
    65,
  );
  const op = await buildOperation(account, callData, projectId, {
    call: measured.call[shape],
    verification: measured.verification.withInitCode,
    preVerification,
  });
  const outcome = await handle(op);
  if (!outcome.success) throw new Error(`${shape} failed at its measured limits`);
  return { preVerification, charged: outcome.actualGasUsed, used: outcome.gasUsed };
}
