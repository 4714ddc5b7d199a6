import { kycRegistryAbi } from "@onekey/deploy";
import { type Address, getAddress, type Hex, toFunctionSelector } from "viem";
import { type AccountCall, decodeAccountCalls, UnsupportedCallDataError } from "./account-calls.js";

/** What OneKey sponsors: a user's own KYC actions on the registry, and nothing else. */
const SPONSORED_FUNCTIONS = ["attestBySig", "grantConsent", "revokeConsent", "erase", "setDecryptDelegate"] as const;

export const SPONSORED_SELECTORS: ReadonlyMap<Hex, string> = new Map(
  SPONSORED_FUNCTIONS.map((name) => {
    const item = kycRegistryAbi.find((i) => i.type === "function" && i.name === name);
    if (item?.type !== "function") throw new Error(`KycRegistry ABI has no ${name}`);
    return [toFunctionSelector(item), name];
  }),
);

/** A refusal the wallet sees as a JSON-RPC error: `reason` is machine-readable, `message` is for people. */
export class SponsorshipRefused extends Error {
  override name = "SponsorshipRefused";
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks that every call of the operation is a sponsored KycRegistry function without value,
 * and that any account deployment uses an allowed factory. Returns the decoded calls.
 */
export function checkOperationCalls(
  op: { callData: Hex; factory?: Address | undefined },
  kycRegistry: Address,
  allowedFactories: readonly Address[],
): AccountCall[] {
  if (op.factory && !allowedFactories.includes(getAddress(op.factory))) {
    throw new SponsorshipRefused("factory_not_allowed", `Account factory ${op.factory} is not sponsored`);
  }
  let calls: AccountCall[];
  try {
    calls = decodeAccountCalls(op.callData);
  } catch (error) {
    if (error instanceof UnsupportedCallDataError) throw new SponsorshipRefused("calldata_unsupported", error.message);
    throw error;
  }
  if (calls.length === 0) throw new SponsorshipRefused("no_calls", "The operation makes no call");
  for (const call of calls) {
    if (getAddress(call.target) !== kycRegistry) {
      throw new SponsorshipRefused(
        "target_not_sponsored",
        `Only calls to the OneKey registry are sponsored, not ${call.target}`,
      );
    }
    if (call.value !== 0n) throw new SponsorshipRefused("value_not_sponsored", "Sponsored calls cannot send ETH");
    const selector = call.data.slice(0, 10) as Hex;
    if (!SPONSORED_SELECTORS.has(selector)) {
      throw new SponsorshipRefused(
        "function_not_sponsored",
        `Only ${SPONSORED_FUNCTIONS.join(", ")} are sponsored; got selector ${selector}`,
      );
    }
  }
  return calls;
}
