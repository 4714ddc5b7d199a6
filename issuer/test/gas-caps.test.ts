import {
  PAYMASTER_VERIFICATION_GAS_LIMIT,
  PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED,
  POST_OP_GAS_MIN,
} from "@onekey/deploy";
import { getAddress, parseGwei } from "viem";
import { describe, expect, it } from "vitest";
import {
  checkFees,
  checkGasLimits,
  GAS_MARGIN_PERCENT,
  gasCapsFor,
  MEASURED_GAS,
  preVerificationGasBase,
} from "../src/sponsorship/gas-caps.js";
import { SponsorshipRefused } from "../src/sponsorship/policy.js";

const paymaster = getAddress("0x00000000000000000000000000000000000000a1");
const op = { sender: getAddress("0x00000000000000000000000000000000000000b0"), nonce: 0n, callData: "0x1234" as const };
const reason = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SponsorshipRefused) return error.reason;
    throw error;
  }
  return "accepted";
};

describe("gas caps", () => {
  it("are the measured figures plus the stated margins; paymaster limits come from @onekey/deploy", () => {
    const caps = gasCapsFor({
      op,
      kind: "simple-account-v07",
      deploys: true,
      shape: "attestBySig+grantConsent",
      projectCapped: false,
      paymaster,
      l1DataGas: 0n,
    });
    const margin = (gas: bigint, percent: bigint) => (gas * (100n + percent) + 99n) / 100n;
    expect(caps.callGasLimit).toBe(margin(MEASURED_GAS.call["attestBySig+grantConsent"], GAS_MARGIN_PERCENT.call));
    expect(caps.verificationGasLimit).toBe(
      margin(MEASURED_GAS.verification.withInitCode, GAS_MARGIN_PERCENT.verification),
    );
    expect(caps.paymasterPostOpGasLimit).toBe(POST_OP_GAS_MIN);
    expect(caps.paymasterVerificationGasLimit).toBe(PAYMASTER_VERIFICATION_GAS_LIMIT);
    const capped = gasCapsFor({
      op,
      kind: "simple-account-v07",
      deploys: false,
      shape: "erase",
      projectCapped: true,
      paymaster,
      l1DataGas: 5_000n,
    });
    expect(capped.paymasterVerificationGasLimit).toBe(PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED);
    expect(capped.preVerificationGas).toBe(
      margin(preVerificationGasBase(op, paymaster, 65), GAS_MARGIN_PERCENT.preVerification) + 5_000n,
    );
  });

  it("price preVerificationGas by the operation's bytes (more calldata, more gas; 16 per non-zero byte)", () => {
    const small = preVerificationGasBase(op, paymaster, 65);
    const larger = preVerificationGasBase({ ...op, callData: `0x1234${"ab".repeat(32)}` }, paymaster, 65);
    expect(larger - small).toBeGreaterThanOrEqual(32n * 16n);
    expect(preVerificationGasBase(op, paymaster, 77)).toBeGreaterThan(small);
  });

  it("refuse any limit above its cap and accept the caps themselves", () => {
    const caps = gasCapsFor({
      op,
      kind: "simple-account-v07",
      deploys: false,
      shape: "grantConsent",
      projectCapped: false,
      paymaster,
      l1DataGas: 0n,
    });
    expect(reason(() => checkGasLimits(caps, caps))).toBe("accepted");
    for (const field of Object.keys(caps) as (keyof typeof caps)[]) {
      expect(reason(() => checkGasLimits({ ...caps, [field]: caps[field] + 1n }, caps))).toBe("gas_limit_too_high");
    }
  });
});

describe("fee caps", () => {
  const policy = { maxPriorityFeePerGas: parseGwei("2"), baseFeeMultiplier: 3n };
  const baseFee = parseGwei("1");
  it("accept up to base fee x multiplier + the priority ceiling", () => {
    expect(
      reason(() => checkFees({ maxFeePerGas: parseGwei("5"), maxPriorityFeePerGas: parseGwei("2") }, baseFee, policy)),
    ).toBe("accepted");
  });
  it("refuse a priority fee above the ceiling, or a max fee above the bound", () => {
    expect(
      reason(() =>
        checkFees({ maxFeePerGas: parseGwei("5"), maxPriorityFeePerGas: parseGwei("2") + 1n }, baseFee, policy),
      ),
    ).toBe("fee_too_high");
    expect(
      reason(() =>
        checkFees({ maxFeePerGas: parseGwei("5") + 1n, maxPriorityFeePerGas: parseGwei("1") }, baseFee, policy),
      ),
    ).toBe("fee_too_high");
  });
});
