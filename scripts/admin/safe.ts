/**
 * Safe Transaction Builder batches: what governance (a Safe multisig on Base) imports in the Safe
 * app's Transaction Builder ("drag and drop a JSON file") to propose an admin call instead of an
 * account sending it. The format is the builder's BatchFile (safe-global/safe-react-apps,
 * apps/tx-builder: typings/models.ts), with its checksum (lib/checksum.ts) so the app does not
 * warn that the file was changed after it was made.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Abi,
  type AbiFunction,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  encodeFunctionData,
  type Hex,
  keccak256,
  stringToHex,
} from "viem";

/** The Transaction Builder version whose file format this writes (its `meta.txBuilderVersion`). */
export const TX_BUILDER_VERSION = "1.18.0";

export interface SafeContractInput {
  name: string;
  type: string;
  internalType?: string;
}

export interface SafeBatchTransaction {
  to: Address;
  /** Wei, as a decimal string. */
  value: string;
  /** The calldata. The builder sends it as is (it re-encodes from contractMethod only without it). */
  data: Hex;
  /** The called function, for people reading the file and the builder's display. */
  contractMethod: { name: string; payable: boolean; inputs: SafeContractInput[] };
  contractInputsValues: Record<string, string>;
}

export interface SafeBatchFile {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: {
    name: string;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
    checksum?: Hex;
  };
  transactions: SafeBatchTransaction[];
}

// The builder's checksum: keccak256 of a key-sorted serialisation of the file with `meta.name`
// set to null and no `meta.checksum` (so renaming a batch keeps it valid).
const replacer = (_key: string, value: unknown) => (value === undefined ? null : value);

function serialize(json: unknown): string {
  if (Array.isArray(json)) return `[${json.map(serialize).join(",")}]`;
  if (typeof json === "object" && json !== null) {
    const record = json as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${JSON.stringify(keys, replacer)}${keys.map((key) => `${serialize(record[key])},`).join("")}}`;
  }
  return JSON.stringify(json, replacer);
}

/** The checksum the Transaction Builder computes for a batch file (its own `meta.checksum` aside). */
export function safeBatchChecksum(batch: SafeBatchFile): Hex {
  const { checksum: _ignored, ...meta } = batch.meta;
  return keccak256(stringToHex(serialize({ ...batch, meta: { ...meta, name: null } })));
}

/** A value as the builder's form fields hold it: numbers in decimal, arrays and tuples as JSON. */
function inputValue(value: unknown): string {
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** One call as a batch transaction: calldata plus the function and its arguments spelled out. */
export function safeTransaction<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(call: {
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
  value?: bigint;
}): SafeBatchTransaction {
  const fn = (call.abi as Abi).find(
    (item): item is AbiFunction => item.type === "function" && item.name === call.functionName,
  );
  if (!fn) throw new Error(`${call.functionName} is not in the contract's ABI.`);
  const args = (call.args ?? []) as readonly unknown[];
  const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args } as Parameters<
    typeof encodeFunctionData
  >[0]);
  return {
    to: call.address,
    value: (call.value ?? 0n).toString(),
    data,
    contractMethod: {
      name: fn.name,
      payable: fn.stateMutability === "payable",
      inputs: fn.inputs.map((input) => ({
        name: input.name ?? "",
        type: input.type,
        internalType: input.internalType,
      })),
    },
    contractInputsValues: Object.fromEntries(
      fn.inputs.map((input, i) => [input.name ?? `arg${i}`, inputValue(args[i])]),
    ),
  };
}

/** A checksummed batch of `transactions` for the Safe at `safe` (empty when not known) on `chainId`. */
export function safeBatch({
  chainId,
  name,
  description,
  safe,
  transactions,
  createdAt = Date.now(),
}: {
  chainId: number;
  name: string;
  description: string;
  safe?: Address;
  transactions: SafeBatchTransaction[];
  createdAt?: number;
}): SafeBatchFile {
  const batch: SafeBatchFile = {
    version: "1.0",
    chainId: String(chainId),
    createdAt,
    meta: {
      name,
      description,
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: safe ?? "",
      createdFromOwnerAddress: "",
    },
    transactions,
  };
  batch.meta.checksum = safeBatchChecksum(batch);
  return batch;
}

/**
 * Prints the batch as JSON to stdout (nothing else goes there, so it pipes into a file), or writes
 * it to `file` and says where.
 */
export function emitSafeBatch(batch: SafeBatchFile, file?: string): void {
  const text = `${JSON.stringify(batch, null, 2)}\n`;
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  const path = resolve(file);
  writeFileSync(path, text);
  const count = batch.transactions.length;
  console.log(
    `Wrote a Safe Transaction Builder batch of ${count} transaction${count === 1 ? "" : "s"} to ${path}: import it in the Safe app (Apps > Transaction Builder), then sign and execute it there.`,
  );
}

/**
 * Adds `batch`'s transactions to the batch in `file` (created when missing), so several governance
 * calls go to the Safe as one batch and one round of signatures. The file must be a batch for the
 * same chain and, when both name one, the same Safe; the checksum is recomputed.
 */
export function appendSafeBatch(batch: SafeBatchFile, file: string): void {
  const path = resolve(file);
  if (!existsSync(path)) {
    emitSafeBatch(batch, file);
    return;
  }
  let existing: SafeBatchFile;
  try {
    existing = JSON.parse(readFileSync(path, "utf8")) as SafeBatchFile;
  } catch (error) {
    throw new Error(`--safe-append: ${path} is not JSON (${(error as Error).message}); nothing was added.`);
  }
  if (existing?.version !== "1.0" || !Array.isArray(existing.transactions) || typeof existing.meta !== "object") {
    throw new Error(`--safe-append: ${path} is not a Safe Transaction Builder batch (version 1.0); nothing was added.`);
  }
  if (existing.chainId !== batch.chainId) {
    throw new Error(
      `--safe-append: ${path} is a batch for chain ${existing.chainId}, not ${batch.chainId}; nothing was added.`,
    );
  }
  const safe = existing.meta.createdFromSafeAddress;
  const ours = batch.meta.createdFromSafeAddress;
  if (safe && ours && safe.toLowerCase() !== ours.toLowerCase()) {
    throw new Error(`--safe-append: ${path} is a batch for the Safe ${safe}, not ${ours}; nothing was added.`);
  }
  const { checksum: _old, ...meta } = existing.meta;
  const merged: SafeBatchFile = {
    ...existing,
    meta: {
      ...meta,
      name: "OneKey: admin batch",
      description: [meta.description, batch.meta.description].filter(Boolean).join("\n"),
      createdFromSafeAddress: safe || ours,
    },
    transactions: [...existing.transactions, ...batch.transactions],
  };
  merged.meta.checksum = safeBatchChecksum(merged);
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  const count = merged.transactions.length;
  console.log(
    `Added ${batch.transactions.length} transaction to the Safe Transaction Builder batch ${path}, now ${count} transaction${count === 1 ? "" : "s"}: import it in the Safe app (Apps > Transaction Builder) once it holds every call.`,
  );
}
