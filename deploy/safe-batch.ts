/**
 * Safe Transaction Builder batches: what governance (a Safe multisig on Base) imports in the Safe
 * app's Transaction Builder ("drag and drop a JSON file") to propose an admin call instead of an
 * account sending it. The format is the builder's BatchFile (safe-global/safe-react-apps,
 * apps/tx-builder: typings/models.ts), with its checksum (lib/checksum.ts) so the app does not
 * warn that the file was changed after it was made.
 */
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
