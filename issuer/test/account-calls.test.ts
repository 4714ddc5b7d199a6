import { concat, encodeAbiParameters, encodeFunctionData, getAddress, type Hex, pad, parseAbi, toHex } from "viem";
import { describe, expect, it } from "vitest";
import {
  decodeAccountCalls,
  EXECUTE_FORMS,
  MalformedCallDataError,
  UnsupportedCallDataError,
} from "../src/sponsorship/account-calls.js";

const abi = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
  "function executeBatch((address target, uint256 value, bytes data)[] calls)",
  "function execute(bytes32 mode, bytes executionCalldata)",
  "function executeUserOp(address to, uint256 value, bytes data, uint8 operation)",
  "function transfer(address to, uint256 amount)",
]);
const A = getAddress("0x00000000000000000000000000000000000000aa");
const B = getAddress("0x00000000000000000000000000000000000000bb");
const mode = (callType: number, execType = 0): Hex =>
  pad(concat([toHex(callType, { size: 1 }), toHex(execType, { size: 1 })]), { dir: "right" });

describe("decodeAccountCalls", () => {
  it("reads SimpleAccount execute", () => {
    const callData = encodeFunctionData({ abi, functionName: "execute", args: [A, 5n, "0x1234"] });
    expect(decodeAccountCalls(callData)).toEqual([{ target: A, value: 5n, data: "0x1234" }]);
  });

  it("reads SimpleAccount v0.7 executeBatch, with an empty value array meaning zero", () => {
    const callData = encodeFunctionData({ abi, functionName: "executeBatch", args: [[A, B], [], ["0x01", "0x02"]] });
    expect(decodeAccountCalls(callData)).toEqual([
      { target: A, value: 0n, data: "0x01" },
      { target: B, value: 0n, data: "0x02" },
    ]);
  });

  it("refuses a v0.7 batch whose arrays differ in length", () => {
    const callData = encodeFunctionData({ abi, functionName: "executeBatch", args: [[A, B], [1n], ["0x01", "0x02"]] });
    expect(() => decodeAccountCalls(callData)).toThrow(UnsupportedCallDataError);
  });

  it("reads SimpleAccount v0.8 executeBatch of structs", () => {
    const callData = encodeFunctionData({
      abi,
      functionName: "executeBatch",
      args: [[{ target: B, value: 0n, data: "0xabcd" }]],
    });
    expect(decodeAccountCalls(callData)).toEqual([{ target: B, value: 0n, data: "0xabcd" }]);
  });

  it("reads ERC-7579 single and batch executions", () => {
    const single = encodeFunctionData({
      abi,
      functionName: "execute",
      args: [mode(0), concat([A, toHex(7n, { size: 32 }), "0xdeadbeef"])],
    });
    expect(decodeAccountCalls(single)).toEqual([{ target: A, value: 7n, data: "0xdeadbeef" }]);

    const executions = encodeAbiParameters(
      [{ type: "tuple[]", components: [{ type: "address" }, { type: "uint256" }, { type: "bytes" }] }],
      [
        [
          [A, 0n, "0x01"],
          [B, 1n, "0x02"],
        ],
      ],
    );
    const batch = encodeFunctionData({ abi, functionName: "execute", args: [mode(1), executions] });
    expect(decodeAccountCalls(batch)).toEqual([
      { target: A, value: 0n, data: "0x01" },
      { target: B, value: 1n, data: "0x02" },
    ]);
  });

  it("refuses ERC-7579 delegatecall and try-execution modes", () => {
    const data = concat([A, toHex(0n, { size: 32 })]);
    expect(() =>
      decodeAccountCalls(encodeFunctionData({ abi, functionName: "execute", args: [mode(0xff), data] })),
    ).toThrow(/call type/);
    expect(() =>
      decodeAccountCalls(encodeFunctionData({ abi, functionName: "execute", args: [mode(0, 1), data] })),
    ).toThrow(/exec type/);
  });

  it("reads the Safe 4337 module call and refuses its delegatecall", () => {
    const call = encodeFunctionData({ abi, functionName: "executeUserOp", args: [A, 0n, "0x99", 0] });
    expect(decodeAccountCalls(call)).toEqual([{ target: A, value: 0n, data: "0x99" }]);
    const delegate = encodeFunctionData({ abi, functionName: "executeUserOp", args: [A, 0n, "0x99", 1] });
    expect(() => decodeAccountCalls(delegate)).toThrow(/delegatecall/);
  });

  it("refuses callData that is not an account execute", () => {
    const transfer = encodeFunctionData({ abi, functionName: "transfer", args: [A, 1n] });
    expect(() => decodeAccountCalls(transfer)).toThrow(UnsupportedCallDataError);
    expect(() => decodeAccountCalls("0x")).toThrow(UnsupportedCallDataError);
  });

  it("reports a malformed ERC-7579 batch as bad input, not as an internal error", () => {
    const callData = encodeFunctionData({ abi, functionName: "execute", args: [mode(1), "0x1234"] });
    expect(() => decodeAccountCalls(callData)).toThrow(MalformedCallDataError);
  });

  it("accepts only the execute forms of the given account kind", () => {
    const single = encodeFunctionData({ abi, functionName: "execute", args: [A, 0n, "0x01"] });
    expect(decodeAccountCalls(single, EXECUTE_FORMS["simple-account-v07"])).toHaveLength(1);
    expect(() => decodeAccountCalls(single, EXECUTE_FORMS["kernel-v3"])).toThrow(UnsupportedCallDataError);
    const structs = encodeFunctionData({
      abi,
      functionName: "executeBatch",
      args: [[{ target: B, value: 0n, data: "0x" }]],
    });
    expect(() => decodeAccountCalls(structs, EXECUTE_FORMS["simple-account-v07"])).toThrow(UnsupportedCallDataError);
    expect(decodeAccountCalls(structs, EXECUTE_FORMS["coinbase-smart-wallet"])).toHaveLength(1);
  });
});
