/**
 * The gas and fee limits the service signs. A sponsored operation may ask for what the sponsored
 * functions need plus a stated margin, never more: whatever the signature allows, a self-bundling
 * sender can make the project pay (preVerificationGas in full, 10% of unused call and postOp gas).
 *
 * Every number below is measured, on the local chain, by issuer/test/gas-table.test.ts (which
 * fails when the table is stale) and printed afresh by `npm run -w @onekey/issuer measure:gas`.
 */
import {
  PAYMASTER_DATA_LENGTH,
  PAYMASTER_VERIFICATION_GAS_LIMIT,
  PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED,
  POST_OP_GAS_MIN,
} from "@onekey/deploy";
import { type Address, encodeAbiParameters, type Hex, maxUint128, maxUint256, size } from "viem";
import { toPackedUserOperation } from "viem/account-abstraction";
import type { AccountKind } from "./accounts.js";
import { type CallShape, SponsorshipRefused } from "./policy.js";

/**
 * Measured on eth-infinitism SimpleAccount v0.7 through the canonical EntryPoint v0.7 and
 * OneKeyPaymaster, in the worst state each call meets (a fresh account: first attestation, first
 * consent, nonce slot written from zero). Each is the smallest limit with which the operation
 * still succeeds (binary search over real `handleOps`).
 */
export const MEASURED_GAS = {
  /** callGasLimit per sponsored shape: the account's execute plus the registry call(s). */
  call: {
    attestBySig: 90_880n,
    grantConsent: 37_109n,
    revokeConsent: 14_464n,
    erase: 22_429n,
    setDecryptDelegate: 29_662n,
    "attestBySig+grantConsent": 122_587n,
  } satisfies Record<CallShape, bigint>,
  /** verificationGasLimit: the EntryPoint's per-op validation work and validateUserOp (and deployment). */
  verification: { deployed: 41_625n, withInitCode: 194_030n },
} as const;

/**
 * Margins over the measurement, in percent, set by what honest bundlers ask (the e2e test sends
 * Alto's estimates through the caps):
 *  - verification 50%: Alto asks 1.34-1.42x the measured need (its 30% multiplier over a loose
 *    simulation). Unused verification gas costs the project nothing (v0.7 has no penalty on it).
 *  - call 200%: Alto asks 2.5-2.7x the measured need (its simulation charges postOp and penalty
 *    into the call, then adds 20%). Unused call gas costs the project 10% of itself, so a
 *    sender that signs the cap and uses the minimum costs it at most 20% of the call's gas more.
 *  - preVerificationGas 15%: paid in full, so the tightest; Alto's ask is within 2.5% of the
 *    formula, and a real bundle at the bare formula leaves its bundler at most 2% short.
 */
export const GAS_MARGIN_PERCENT = { verification: 50n, call: 200n, preVerification: 15n } as const;

/** What each account kind needs beyond (or instead of) the SimpleAccount measurement. */
export interface AccountGasProfile {
  verification: { deployed: bigint; withInitCode: bigint };
  /** Gas its execute path needs beyond SimpleAccount's for the same registry calls. */
  callOverhead: bigint;
  /** Longest signature it produces (bytes), for the preVerificationGas formula. */
  signatureBytes: number;
  /** False where the numbers are estimates not measured here (no local build of that account). */
  measured: boolean;
}

export const ACCOUNT_GAS: Record<AccountKind, AccountGasProfile> = {
  "simple-account-v07": {
    verification: MEASURED_GAS.verification,
    callOverhead: 0n,
    signatureBytes: 65,
    measured: true,
  },
  // Estimates from the accounts' code paths, not measured on this chain: Kernel's ECDSA validator
  // and 7579 execute, Safe's fallback handler -> module -> execTransactionFromModule, Coinbase's
  // passkey (WebAuthn) signatures. Measure them before relying on these kinds in production.
  "kernel-v3": {
    verification: { deployed: 150_000n, withInitCode: 450_000n },
    callOverhead: 15_000n,
    signatureBytes: 65,
    measured: false,
  },
  "safe-4337": {
    verification: { deployed: 150_000n, withInitCode: 550_000n },
    callOverhead: 25_000n,
    signatureBytes: 77,
    measured: false,
  },
  "coinbase-smart-wallet": {
    verification: { deployed: 200_000n, withInitCode: 450_000n },
    callOverhead: 10_000n,
    signatureBytes: 800,
    measured: false,
  },
};

/**
 * EntryPoint v0.7 gas per operation that no limit meters (Alto's calibration, which the gas-table
 * test checks against real bundles): the bundle's fixed cost, the per-op loop and event, and the
 * per-word cost of copying callData.
 */
export const ENTRY_POINT_OVERHEAD = {
  transaction: 21_000n,
  fixedPerBundle: 9_830n,
  perOperation: 7_260n,
  perCallDataWordMilli: 9_200n,
} as const;

export interface GasCaps {
  verificationGasLimit: bigint;
  callGasLimit: bigint;
  preVerificationGas: bigint;
  paymasterVerificationGasLimit: bigint;
  paymasterPostOpGasLimit: bigint;
}

const withMargin = (gas: bigint, percent: bigint) => (gas * (100n + percent) + 99n) / 100n;

/** The user-operation fields the preVerificationGas formula reads. */
export interface OperationBytes {
  sender: Address;
  nonce: bigint;
  factory?: Address | null | undefined;
  factoryData?: Hex | null | undefined;
  callData: Hex;
}

/**
 * Gas of the packed operation's bytes in the bundle transaction plus the EntryPoint's unmetered
 * per-op work, as a bundler computes it (Alto, eth-infinitism): numeric fields, paymasterData and
 * signature counted as non-zero bytes, the EIP-7623 calldata floor when it dominates.
 */
export function preVerificationGasBase(op: OperationBytes, paymaster: Address, signatureBytes: number): bigint {
  const ff = (bytes: number): Hex => `0x${"ff".repeat(bytes)}`;
  const packed = toPackedUserOperation({
    sender: op.sender,
    nonce: op.nonce,
    factory: op.factory ?? undefined,
    factoryData: op.factoryData ?? undefined,
    callData: op.callData,
    callGasLimit: maxUint128,
    verificationGasLimit: maxUint128,
    preVerificationGas: maxUint256,
    maxFeePerGas: maxUint128,
    maxPriorityFeePerGas: maxUint128,
    paymaster,
    paymasterVerificationGasLimit: maxUint128,
    paymasterPostOpGasLimit: maxUint128,
    paymasterData: ff(PAYMASTER_DATA_LENGTH),
    signature: ff(signatureBytes),
  });
  const encoded = encodeAbiParameters(
    [
      {
        type: "tuple",
        components: [
          { name: "sender", type: "address" },
          { name: "nonce", type: "uint256" },
          { name: "initCode", type: "bytes" },
          { name: "callData", type: "bytes" },
          { name: "accountGasLimits", type: "bytes32" },
          { name: "preVerificationGas", type: "uint256" },
          { name: "gasFees", type: "bytes32" },
          { name: "paymasterAndData", type: "bytes" },
          { name: "signature", type: "bytes" },
        ],
      },
    ],
    [packed],
  );
  let tokens = 0n;
  for (let i = 2; i < encoded.length; i += 2) tokens += encoded.slice(i, i + 2) === "00" ? 1n : 4n;
  const callDataWords = BigInt(Math.ceil(size(op.callData) / 32));
  const standard =
    4n * tokens +
    ENTRY_POINT_OVERHEAD.fixedPerBundle +
    ENTRY_POINT_OVERHEAD.perOperation +
    (callDataWords * ENTRY_POINT_OVERHEAD.perCallDataWordMilli) / 1000n;
  return ENTRY_POINT_OVERHEAD.transaction + (standard > 10n * tokens ? standard : 10n * tokens);
}

/** The most gas the service signs for this operation. */
export function gasCapsFor(params: {
  op: OperationBytes;
  kind: AccountKind;
  deploys: boolean;
  shape: CallShape;
  /** Whether the project's policy has caps (the paymaster's validation then does more work). */
  projectCapped: boolean;
  paymaster: Address;
  /** Allowance for the L1 data fee of OP-stack chains, added to preVerificationGas. */
  l1DataGas: bigint;
}): GasCaps {
  const profile = ACCOUNT_GAS[params.kind];
  const verification = params.deploys ? profile.verification.withInitCode : profile.verification.deployed;
  return {
    verificationGasLimit: withMargin(verification, GAS_MARGIN_PERCENT.verification),
    callGasLimit: withMargin(MEASURED_GAS.call[params.shape] + profile.callOverhead, GAS_MARGIN_PERCENT.call),
    preVerificationGas:
      withMargin(
        preVerificationGasBase(params.op, params.paymaster, profile.signatureBytes),
        GAS_MARGIN_PERCENT.preVerification,
      ) + params.l1DataGas,
    paymasterVerificationGasLimit: params.projectCapped
      ? PAYMASTER_VERIFICATION_GAS_LIMIT_CAPPED
      : PAYMASTER_VERIFICATION_GAS_LIMIT,
    paymasterPostOpGasLimit: POST_OP_GAS_MIN,
  };
}

/** Refuses the first gas limit above its cap, naming it and both numbers. */
export function checkGasLimits(limits: GasCaps, caps: GasCaps): void {
  for (const field of Object.keys(caps) as (keyof GasCaps)[]) {
    if (limits[field] > caps[field]) {
      throw new SponsorshipRefused(
        "gas_limit_too_high",
        `${field} ${limits[field]} is above the ${caps[field]} this operation needs (measured, with margin)`,
      );
    }
  }
}

export interface FeePolicy {
  /** Most maxPriorityFeePerGas, in wei. */
  maxPriorityFeePerGas: bigint;
  /** maxFeePerGas <= baseFee x baseFeeMultiplier + maxPriorityFeePerGas. */
  baseFeeMultiplier: bigint;
}

/** Refuses fees above the priority ceiling, or above a multiple of the chain's current base fee. */
export function checkFees(
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  baseFee: bigint,
  policy: FeePolicy,
): void {
  if (fees.maxPriorityFeePerGas > policy.maxPriorityFeePerGas) {
    throw new SponsorshipRefused(
      "fee_too_high",
      `maxPriorityFeePerGas ${fees.maxPriorityFeePerGas} wei is above the ceiling of ${policy.maxPriorityFeePerGas} wei`,
    );
  }
  const maxFee = baseFee * policy.baseFeeMultiplier + policy.maxPriorityFeePerGas;
  if (fees.maxFeePerGas > maxFee) {
    throw new SponsorshipRefused(
      "fee_too_high",
      `maxFeePerGas ${fees.maxFeePerGas} wei is above ${maxFee} wei (base fee ${baseFee} x ${policy.baseFeeMultiplier} + priority ceiling)`,
    );
  }
}
