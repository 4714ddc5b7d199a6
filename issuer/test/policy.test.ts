import { kycRegistryAbi } from "@onekey/deploy";
import { encodeAbiParameters, encodeFunctionData, getAddress, type Hex, pad, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { EXECUTE_FORMS } from "../src/sponsorship/account-calls.js";
import { checkOperationCalls, SponsorshipRefused } from "../src/sponsorship/policy.js";

const account = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
  "function execute(bytes32 mode, bytes executionCalldata)",
]);
const registry = getAddress("0x00000000000000000000000000000000000000cc");
const other = getAddress("0x00000000000000000000000000000000000000fa");
const simple = EXECUTE_FORMS["simple-account-v07"] ?? [];
const consent = encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [7n] });
const erase = encodeFunctionData({ abi: kycRegistryAbi, functionName: "erase" });
const attest = encodeFunctionData({
  abi: kycRegistryAbi,
  functionName: "attestBySig",
  args: [
    {
      subject: other,
      level: 1,
      expiresAt: 2_000_000_000,
      storageNetwork: 1,
      storageId: pad("0x01"),
      ciphertextHash: pad("0x02"),
    },
    other,
    0n,
    1n,
    "0x",
  ],
});
const batch = (datas: Hex[]) =>
  encodeFunctionData({
    abi: account,
    functionName: "executeBatch",
    args: [datas.map(() => registry), [], datas],
  });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SponsorshipRefused) return error.reason;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("checkOperationCalls", () => {
  it("sponsors the verify flow's batch, attest then consent, and names its shape", () => {
    const { calls, shape } = checkOperationCalls(batch([attest, consent]), simple, registry);
    expect(shape).toBe("attestBySig+grantConsent");
    expect(calls.map((c) => c.functionName)).toEqual(["attestBySig", "grantConsent"]);
    expect(calls[1]?.args).toEqual([7n]);
  });

  it("refuses any other combination of registry calls (no measured cap for it)", () => {
    expect(refusal(() => checkOperationCalls(batch([consent, erase]), simple, registry))).toBe("shape_not_sponsored");
    expect(refusal(() => checkOperationCalls(batch([consent, consent]), simple, registry))).toBe("shape_not_sponsored");
  });

  it("refuses a call to any other contract", () => {
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [other, 0n, consent] });
    expect(refusal(() => checkOperationCalls(callData, simple, registry))).toBe("target_not_sponsored");
  });

  it("refuses a registry call that sends ETH", () => {
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [registry, 1n, consent] });
    expect(refusal(() => checkOperationCalls(callData, simple, registry))).toBe("value_not_sponsored");
  });

  it("refuses registry functions users do not need sponsored (issuer and governance calls)", () => {
    const register = encodeFunctionData({ abi: kycRegistryAbi, functionName: "registerIssuer", args: [other] });
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [registry, 0n, register] });
    expect(refusal(() => checkOperationCalls(callData, simple, registry))).toBe("function_not_sponsored");
  });

  it("refuses registry calldata that does not decode (a right selector with mangled arguments)", () => {
    const callData = encodeFunctionData({
      abi: account,
      functionName: "execute",
      args: [registry, 0n, consent.slice(0, 20) as Hex],
    });
    expect(refusal(() => checkOperationCalls(callData, simple, registry))).toBe("function_not_sponsored");
  });

  it("refuses an execute form the sender's account kind does not have", () => {
    const mode = pad("0x00", { dir: "right" });
    const single = encodeFunctionData({
      abi: account,
      functionName: "execute",
      args: [mode, encodeAbiParameters([{ type: "address" }], [registry])],
    });
    expect(refusal(() => checkOperationCalls(single, simple, registry))).toBe("calldata_unsupported");
  });

  it("refuses unsupported callData with a reason", () => {
    expect(refusal(() => checkOperationCalls("0x12345678", simple, registry))).toBe("calldata_unsupported");
  });
});
