import {
  type Address,
  decodeAbiParameters,
  decodeFunctionData,
  getAddress,
  type Hex,
  hexToBigInt,
  parseAbi,
  size,
  slice,
} from "viem";

/** One call a smart account will make on the user's behalf. */
export interface AccountCall {
  target: Address;
  value: bigint;
  data: Hex;
}

/**
 * The execute functions of the smart accounts we sponsor: eth-infinitism SimpleAccount (v0.7 and
 * v0.8), ERC-7579 accounts (Kernel v3, Safe7579, Nexus: what Privy's smart wallets use) and the
 * Safe 4337 module. Anything else is refused: the service must see every call it pays for.
 */
const accountAbi = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
  "function executeBatch((address target, uint256 value, bytes data)[] calls)",
  "function execute(bytes32 mode, bytes executionCalldata)",
  "function executeUserOp(address to, uint256 value, bytes data, uint8 operation)",
  "function executeUserOpWithErrorString(address to, uint256 value, bytes data, uint8 operation)",
]);

export class UnsupportedCallDataError extends Error {
  override name = "UnsupportedCallDataError";
}

/** callData whose bytes do not decode as what its own selector and mode announce: bad input. */
export class MalformedCallDataError extends Error {
  override name = "MalformedCallDataError";
}

/** ERC-7579 mode: callType (1 byte) | execType (1 byte) | unused (4) | selector (4) | payload (22). */
const CALLTYPE_SINGLE = "0x00";
const CALLTYPE_BATCH = "0x01";
const EXECTYPE_DEFAULT = "0x00";

function decode7579(mode: Hex, executionCalldata: Hex): AccountCall[] {
  const callType = slice(mode, 0, 1);
  const execType = slice(mode, 1, 2);
  if (execType !== EXECTYPE_DEFAULT)
    throw new UnsupportedCallDataError(`ERC-7579 exec type ${execType} is not sponsored`);
  if (callType === CALLTYPE_SINGLE) {
    if (size(executionCalldata) < 52) throw new MalformedCallDataError("ERC-7579 single execution is too short");
    return [
      {
        target: getAddress(slice(executionCalldata, 0, 20)),
        value: hexToBigInt(slice(executionCalldata, 20, 52)),
        data: size(executionCalldata) > 52 ? slice(executionCalldata, 52) : "0x",
      },
    ];
  }
  if (callType === CALLTYPE_BATCH) {
    let executions: readonly (readonly [Address, bigint, Hex])[];
    try {
      [executions] = decodeAbiParameters(
        [{ type: "tuple[]", components: [{ type: "address" }, { type: "uint256" }, { type: "bytes" }] }],
        executionCalldata,
      );
    } catch {
      throw new MalformedCallDataError("ERC-7579 batch execution is not a valid (address,uint256,bytes)[]");
    }
    return executions.map(([target, value, data]) => ({ target, value, data }));
  }
  throw new UnsupportedCallDataError(`ERC-7579 call type ${callType} (delegatecall or static) is not sponsored`);
}

/** The execute forms each account kind has: a selector means nothing outside its account. */
export type ExecuteForm = "execute3" | "executeBatchArrays" | "executeBatchStructs" | "execute7579" | "safeModule";

export const EXECUTE_FORMS: Readonly<Record<string, readonly ExecuteForm[]>> = {
  "simple-account-v07": ["execute3", "executeBatchArrays"],
  "kernel-v3": ["execute7579"],
  "safe-4337": ["safeModule"],
  "coinbase-smart-wallet": ["execute3", "executeBatchStructs"],
};

function formOf(functionName: string, argCount: number): ExecuteForm {
  if (functionName === "execute") return argCount === 3 ? "execute3" : "execute7579";
  if (functionName === "executeBatch") return argCount === 3 ? "executeBatchArrays" : "executeBatchStructs";
  return "safeModule";
}

/**
 * The calls a user operation's callData makes, or UnsupportedCallDataError. With `forms`, only
 * those execute functions are accepted (the ones the sender's account kind really has).
 */
export function decodeAccountCalls(callData: Hex, forms?: readonly ExecuteForm[]): AccountCall[] {
  let decoded: ReturnType<typeof decodeFunctionData<typeof accountAbi>>;
  try {
    decoded = decodeFunctionData({ abi: accountAbi, data: callData });
  } catch {
    throw new UnsupportedCallDataError("callData is not a supported smart-account execute call");
  }
  const { functionName, args } = decoded;
  if (forms && !forms.includes(formOf(functionName, args.length))) {
    throw new UnsupportedCallDataError(`This account kind has no ${functionName} with ${args.length} arguments`);
  }
  if (functionName === "execute" && args.length === 3) {
    const [target, value, data] = args;
    return [{ target, value, data }];
  }
  if (functionName === "execute" && args.length === 2) return decode7579(args[0], args[1]);
  if (functionName === "executeBatch" && args.length === 3) {
    const [targets, values, datas] = args;
    if (datas.length !== targets.length || (values.length !== 0 && values.length !== targets.length)) {
      throw new UnsupportedCallDataError("executeBatch arrays differ in length");
    }
    return targets.map((target, i) => ({ target, value: values[i] ?? 0n, data: datas[i] as Hex }));
  }
  if (functionName === "executeBatch" && args.length === 1) {
    return args[0].map(({ target, value, data }) => ({ target, value, data }));
  }
  // Safe 4337 module; operation 1 is a delegatecall, which could do anything.
  const [to, value, data, operation] = args as readonly [Address, bigint, Hex, number];
  if (operation !== 0) throw new UnsupportedCallDataError("Safe delegatecall operations are not sponsored");
  return [{ target: to, value, data }];
}
