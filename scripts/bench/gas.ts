/**
 * Gas benchmark: OneKey against EAS 1.9.0 on the same in-process chain, in one run.
 * Every figure is the `gasUsed` of a real, mined transaction (the cold check is the gas a
 * probe contract measured around its call). Prints a table, then exactly one JSON line; exits
 * non-zero when a target is missed.
 *
 *   npx hardhat run scripts/bench/gas.ts     (npm run bench:gas)
 */
import { network } from "hardhat";
import {
  type Address,
  encodeAbiParameters,
  encodePacked,
  getAddress,
  type Hex,
  hashTypedData,
  keccak256,
  parseAbiParameters,
  parseEventLogs,
  slice,
  type TransactionReceipt,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { type AttestationRequest, attestationTypedData, signAttestation } from "../../deploy/attestation.js";
import { STORAGE_NETWORKS } from "../../deploy/constants.js";
import OneKeyModule from "../../ignition/modules/OneKey.js";
import CheckGasProbeModule from "./modules/CheckGasProbeModule.js";
import EasModule from "./modules/EasModule.js";

const BATCH_SIZE = 10;
const LEVEL = 2;
const STORAGE_ARWEAVE = STORAGE_NETWORKS.arweave;
const YEAR = 365 * 24 * 60 * 60;
/** The EAS schema carrying what a OneKey record holds besides subject (recipient), expiry and issuer (attester). */
const EAS_SCHEMA = "uint8 level,uint8 storageNetwork,bytes32 storageId,bytes32 ciphertextHash";

const connection = await network.create();
const { viem, ignition, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const wallets = await viem.getWalletClients();
function wallet(index: number) {
  const client = wallets[index];
  if (client === undefined) throw new Error(`Hardhat network has no account #${index}`);
  return client;
}
// Account #0 deployed OneKey and is its governance.
const issuer = wallet(1);
const relayer = wallet(2);
const chainId = await publicClient.getChainId();

const { kycRegistry } = await ignition.deploy(OneKeyModule);
const { schemaRegistry, eas } = await ignition.deploy(EasModule);
const { checkGasProbe } = await ignition.deploy(CheckGasProbeModule);

// The same contracts, with the issuer or the relayer as the sender.
const kycAsIssuer = await viem.getContractAt("KycRegistry", kycRegistry.address, { client: { wallet: issuer } });
const kycAsRelayer = await viem.getContractAt("KycRegistry", kycRegistry.address, { client: { wallet: relayer } });
const easAsIssuer = await viem.getContractAt("EAS", eas.address, { client: { wallet: issuer } });
const easAsRelayer = await viem.getContractAt("EAS", eas.address, { client: { wallet: relayer } });

/**
 * Measured transactions get fixed block times, so every run mines identical transactions (EAS
 * uids hash the time, and calldata gas depends on their bytes). Far ahead of the deployments.
 */
let clock = Math.max(2_000_000_000, Number((await publicClient.getBlock()).timestamp) + 1_000);
const startTime = clock;

/** Sends a transaction in a block of its own at the next fixed time; insists it succeeded. */
async function transact(send: () => Promise<Hex>): Promise<TransactionReceipt> {
  clock += 12;
  await networkHelpers.time.setNextBlockTimestamp(clock);
  const hash = await send();
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

/** A fresh, never-touched subject address per label. */
function subjectFor(label: string): Address {
  return getAddress(slice(keccak256(toHex(`bench subject ${label}`)), 12));
}

/** One record, the same on both sides: OneKey's request and EAS's encoded schema data. */
function recordFor(label: string, expiresAt: number): AttestationRequest {
  return {
    subject: subjectFor(label),
    level: LEVEL,
    expiresAt,
    storageNetwork: STORAGE_ARWEAVE,
    storageId: keccak256(toHex(`storage id ${label}`)),
    ciphertextHash: keccak256(toHex(`ciphertext ${label}`)),
  };
}

function easDataFor(record: AttestationRequest) {
  return {
    recipient: record.subject,
    expirationTime: BigInt(record.expiresAt),
    revocable: true,
    refUID: zeroHash,
    data: encodeAbiParameters(parseAbiParameters(EAS_SCHEMA), [
      record.level,
      record.storageNetwork,
      record.storageId,
      record.ciphertextHash,
    ]),
    value: 0n,
  };
}

function easUidOf(receipt: TransactionReceipt): Hex {
  const [log] = parseEventLogs({ abi: eas.abi, logs: receipt.logs, eventName: "Attested" });
  if (log === undefined) throw new Error("EAS emitted no Attested event");
  return log.args.uid;
}

// ---------------------------------------------------------------- setup (not measured)
await transact(() => kycRegistry.write.registerIssuer([issuer.account.address]));
await transact(() => schemaRegistry.write.register([EAS_SCHEMA, zeroAddress, true]));
const schema = keccak256(encodePacked(["string", "address", "bool"], [EAS_SCHEMA, zeroAddress, true]));
const expiresAt = startTime + YEAR;

// ---------------------------------------------------------------- OneKey attestBySig
async function oneKeyAttestBySig(label: string): Promise<{ receipt: TransactionReceipt; uid: Hex }> {
  const request = recordFor(label, expiresAt);
  const nonce = await kycRegistry.read.nonceOf([request.subject]);
  const deadline = BigInt(clock + 3600);
  const params = { chainId, registry: kycRegistry.address, request, nonce, deadline };
  // The shared signing helper must produce the digest the registry verifies.
  const onChainDigest = await kycRegistry.read.hashAttestation([request, nonce, deadline]);
  if (hashTypedData(attestationTypedData(params)) !== onChainDigest) {
    throw new Error("deploy/attestation.ts digest differs from KycRegistry.hashAttestation");
  }
  const signature = await signAttestation(issuer, params);
  const uid = await kycRegistry.read.nextUid([request.subject]);
  const receipt = await transact(() =>
    kycAsRelayer.write.attestBySig([request, issuer.account.address, nonce, deadline, signature]),
  );
  return { receipt, uid };
}

// ---------------------------------------------------------------- EAS attestByDelegation
const [, easDomainName, easDomainVersion] = await eas.read.eip712Domain();
const easAttestTypes = {
  Attest: [
    { name: "attester", type: "address" },
    { name: "schema", type: "bytes32" },
    { name: "recipient", type: "address" },
    { name: "expirationTime", type: "uint64" },
    { name: "revocable", type: "bool" },
    { name: "refUID", type: "bytes32" },
    { name: "data", type: "bytes" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

async function easAttestByDelegation(label: string): Promise<TransactionReceipt> {
  const data = easDataFor(recordFor(label, expiresAt));
  const nonce = await eas.read.getNonce([issuer.account.address]);
  const deadline = BigInt(clock + 3600);
  const signature = await issuer.signTypedData({
    domain: { name: easDomainName, version: easDomainVersion, chainId, verifyingContract: eas.address },
    types: easAttestTypes,
    primaryType: "Attest",
    message: { attester: issuer.account.address, schema, ...data, nonce, deadline },
  });
  const r = slice(signature, 0, 32);
  const s = slice(signature, 32, 64);
  const v = Number.parseInt(slice(signature, 64, 65), 16);
  return transact(() =>
    easAsRelayer.write.attestByDelegation([
      { schema, data, signature: { v, r, s }, attester: issuer.account.address, deadline },
    ]),
  );
}

// Warm-ups: steady state for an issuer that has attested before (EAS's per-attester nonce goes
// 0 -> 1 on first use, a one-off 20k write that would flatter OneKey).
await oneKeyAttestBySig("warm-up onekey");
await easAttestByDelegation("warm-up eas");
await transact(() =>
  easAsIssuer.write.attest([{ schema, data: easDataFor(recordFor("warm-up eas plain", expiresAt)) }]),
);

// ---------------------------------------------------------------- measured: one attestation
const oneKeyAttested = await oneKeyAttestBySig("single");
const easDelegatedReceipt = await easAttestByDelegation("single delegated");
const easAttestReceipt = await transact(() =>
  easAsIssuer.write.attest([{ schema, data: easDataFor(recordFor("single plain", expiresAt)) }]),
);

// ---------------------------------------------------------------- measured: revocation
const oneKeyRevokeReceipt = await transact(() => kycAsIssuer.write.revoke([oneKeyAttested.uid]));
const easRevokeReceipt = await transact(() =>
  easAsIssuer.write.revoke([{ schema, data: { uid: easUidOf(easAttestReceipt), value: 0n } }]),
);

// ---------------------------------------------------------------- measured: batch of 10
const batchRecords = Array.from({ length: BATCH_SIZE }, (_, i) => recordFor(`batch ${i}`, expiresAt));
const oneKeyBatchReceipt = await transact(() => kycAsIssuer.write.attestBatch([batchRecords]));
const easBatchRecords = Array.from({ length: BATCH_SIZE }, (_, i) => recordFor(`eas batch ${i}`, expiresAt));
const easBatchReceipt = await transact(() =>
  easAsIssuer.write.multiAttest([[{ schema, data: easBatchRecords.map(easDataFor) }]]),
);

// ---------------------------------------------------------------- measured: consumer check, cold
// A transaction of its own to the probe: neither the registry account nor the subject's record
// slot has been touched in it before the probe's call.
const checkedSubject = recordFor("batch 0", expiresAt).subject;
const checkReceipt = await transact(() =>
  checkGasProbe.write.measureIsVerified([kycRegistry.address, checkedSubject, 1]),
);
const [checkLog] = parseEventLogs({ abi: checkGasProbe.abi, logs: checkReceipt.logs, eventName: "CheckMeasured" });
if (checkLog === undefined) throw new Error("probe emitted no CheckMeasured event");
if (!checkLog.args.verified) throw new Error("probe subject is not verified: the check did not take its full path");
// A cold account access (2,600) plus a cold slot read (2,100) is the floor of a cold check.
if (checkLog.args.gasUsed < 4_700n) throw new Error(`check measured ${checkLog.args.gasUsed} gas: not cold`);

await connection.close();

// ---------------------------------------------------------------- report
const perAttestation = (receipt: TransactionReceipt) => Math.round(Number(receipt.gasUsed) / BATCH_SIZE);
const result = {
  attest: Number(oneKeyAttested.receipt.gasUsed),
  eas_attest: Number(easAttestReceipt.gasUsed),
  revoke: Number(oneKeyRevokeReceipt.gasUsed),
  eas_revoke: Number(easRevokeReceipt.gasUsed),
  batch10_per: perAttestation(oneKeyBatchReceipt),
  eas_batch10_per: perAttestation(easBatchReceipt),
  check_cold: Number(checkLog.args.gasUsed),
};
const easDelegated = Number(easDelegatedReceipt.gasUsed);

interface Row {
  name: string;
  ours: number;
  eas?: number;
  /** Maximum ratio ours / eas, or an absolute gas ceiling when `eas` is absent. */
  limit?: number;
}
const rows: Row[] = [
  { name: "attest: attestBySig vs EAS attest", ours: result.attest, eas: result.eas_attest, limit: 0.45 },
  { name: "attest: attestBySig vs EAS attestByDelegation", ours: result.attest, eas: easDelegated },
  { name: "revoke", ours: result.revoke, eas: result.eas_revoke, limit: 0.6 },
  { name: "batch of 10, per attestation", ours: result.batch10_per, eas: result.eas_batch10_per, limit: 0.4 },
  { name: "consumer check isVerified, cold, with CALL", ours: result.check_cold, limit: 7000 },
];

const gas = (n: number) => n.toLocaleString("en-US");
const failures: string[] = [];
const table = rows.map((row) => {
  const ratio = row.eas === undefined ? undefined : row.ours / row.eas;
  let target = "(info)";
  let verdict = "-";
  if (row.limit !== undefined) {
    const passed = ratio === undefined ? row.ours <= row.limit : ratio <= row.limit;
    target = ratio === undefined ? `<= ${gas(row.limit)} gas` : `<= ${row.limit.toFixed(2)} x EAS`;
    verdict = passed ? "PASS" : "FAIL";
    if (!passed) failures.push(`${row.name}: ${gas(row.ours)} gas, target ${target}`);
  }
  return [
    row.name,
    gas(row.ours),
    row.eas === undefined ? "-" : gas(row.eas),
    ratio?.toFixed(3) ?? "-",
    target,
    verdict,
  ];
});
const header = ["operation (gas)", "OneKey", "EAS 1.9.0", "ratio", "target", "result"];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i]?.length ?? 0)));
const line = (cells: string[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");

console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const cells of table) console.log(line(cells));
console.log(
  "\nSteady state (issuer has attested before), fresh subjects, recipient and expiry set on EAS," +
    `\nschema "${EAS_SCHEMA}". eas_attest below is EAS attest.`,
);
for (const failure of failures) console.log(`TARGET MISSED: ${failure}`);
console.log(JSON.stringify(result));
if (failures.length > 0) process.exitCode = 1;
