import { kycRegistryAbi } from "@onekey/deploy";
import { encodeFunctionData, getAddress, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { checkOperationCalls, SponsorshipRefused } from "../src/sponsorship/policy.js";

const account = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
]);
const registry = getAddress("0x00000000000000000000000000000000000000cc");
const factory = getAddress("0x00000000000000000000000000000000000000fa");
const consent = encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [7n] });
const erase = encodeFunctionData({ abi: kycRegistryAbi, functionName: "erase" });

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
  it("sponsors a batch of registry calls (attest + consent is the verify flow)", () => {
    const callData = encodeFunctionData({
      abi: account,
      functionName: "executeBatch",
      args: [
        [registry, registry],
        [0n, 0n],
        [consent, erase],
      ],
    });
    expect(checkOperationCalls({ callData }, registry, [])).toHaveLength(2);
  });

  it("refuses a call to any other contract", () => {
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [factory, 0n, consent] });
    expect(refusal(() => checkOperationCalls({ callData }, registry, []))).toBe("target_not_sponsored");
  });

  it("refuses a registry call that sends ETH", () => {
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [registry, 1n, consent] });
    expect(refusal(() => checkOperationCalls({ callData }, registry, []))).toBe("value_not_sponsored");
  });

  it("refuses registry functions users do not need sponsored (issuer and governance calls)", () => {
    const register = encodeFunctionData({ abi: kycRegistryAbi, functionName: "registerIssuer", args: [factory] });
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [registry, 0n, register] });
    expect(refusal(() => checkOperationCalls({ callData }, registry, []))).toBe("function_not_sponsored");
  });

  it("sponsors account deployment only through an allowed factory", () => {
    const callData = encodeFunctionData({ abi: account, functionName: "execute", args: [registry, 0n, consent] });
    expect(checkOperationCalls({ callData, factory }, registry, [factory])).toHaveLength(1);
    expect(refusal(() => checkOperationCalls({ callData, factory }, registry, []))).toBe("factory_not_allowed");
  });

  it("refuses unsupported callData with a reason", () => {
    expect(refusal(() => checkOperationCalls({ callData: "0x12345678" }, registry, []))).toBe("calldata_unsupported");
  });
});
