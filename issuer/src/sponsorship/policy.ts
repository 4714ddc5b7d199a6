import { kycRegistryAbi } from "@onekey/deploy";
import { type Address, type DecodeFunctionDataReturnType, decodeFunctionData, getAddress, type Hex } from "viem";
import {
  type AccountCall,
  decodeAccountCalls,
  type ExecuteForm,
  MalformedCallDataError,
  UnsupportedCallDataError,
} from "./account-calls.js";

/** What OneKey sponsors: a user's own KYC actions on the registry, and nothing else. */
export const SPONSORED_FUNCTIONS = [
  "attestBySig",
  "grantConsent",
  "revokeConsent",
  "erase",
  "setDecryptDelegate",
] as const;
export type SponsoredFunction = (typeof SPONSORED_FUNCTIONS)[number];

/**
 * The operations sponsored, as the registry functions they call in order: each function alone,
 * and the verify flow's batch (attest, then consent to the paying project). Each has a measured
 * call-gas cap (gas-caps.ts); any other combination is refused.
 */
export const SPONSORED_SHAPES = [
  "attestBySig",
  "grantConsent",
  "revokeConsent",
  "erase",
  "setDecryptDelegate",
  "attestBySig+grantConsent",
] as const;
export type CallShape = (typeof SPONSORED_SHAPES)[number];

type RegistryCallData = DecodeFunctionDataReturnType<typeof kycRegistryAbi>;
/** A decoded call to the KycRegistry, narrowed to the sponsored functions. */
export type RegistryCall = Extract<RegistryCallData, { functionName: SponsoredFunction }>;

/** A refusal the wallet sees as a JSON-RPC error: `reason` is machine-readable, `message` is for people. */
export class SponsorshipRefused extends Error {
  override name = "SponsorshipRefused";
  /** The project the refused operation asked to be paid by, once the request named one (counted per project). */
  projectId?: bigint;
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A bad request (JSON-RPC -32602, HTTP 400), naming the parameter that was wrong. */
export class InvalidParams extends Error {
  override name = "InvalidParams";
}

function isSponsored(name: string): name is SponsoredFunction {
  return (SPONSORED_FUNCTIONS as readonly string[]).includes(name);
}

/**
 * Decodes the operation's calls with the sender's execute forms and checks that every one is a
 * value-less call of a sponsored KycRegistry function, in one of the sponsored shapes.
 */
export function checkOperationCalls(
  callData: Hex,
  forms: readonly ExecuteForm[],
  kycRegistry: Address,
): { calls: RegistryCall[]; shape: CallShape } {
  let accountCalls: AccountCall[];
  try {
    accountCalls = decodeAccountCalls(callData, forms);
  } catch (error) {
    if (error instanceof UnsupportedCallDataError) throw new SponsorshipRefused("calldata_unsupported", error.message);
    if (error instanceof MalformedCallDataError)
      throw new InvalidParams(`Invalid userOperation.callData: ${error.message}`);
    throw error;
  }
  if (accountCalls.length === 0) throw new SponsorshipRefused("no_calls", "The operation makes no call");
  const calls = accountCalls.map((call): RegistryCall => {
    if (getAddress(call.target) !== kycRegistry) {
      throw new SponsorshipRefused(
        "target_not_sponsored",
        `Only calls to the OneKey registry are sponsored, not ${call.target}`,
      );
    }
    if (call.value !== 0n) throw new SponsorshipRefused("value_not_sponsored", "Sponsored calls cannot send ETH");
    let decoded: RegistryCallData;
    try {
      decoded = decodeFunctionData({ abi: kycRegistryAbi, data: call.data });
    } catch {
      throw new SponsorshipRefused(
        "function_not_sponsored",
        `Only ${SPONSORED_FUNCTIONS.join(", ")} are sponsored; got data ${call.data.slice(0, 10)}`,
      );
    }
    if (!isSponsored(decoded.functionName)) {
      throw new SponsorshipRefused(
        "function_not_sponsored",
        `Only ${SPONSORED_FUNCTIONS.join(", ")} are sponsored, not ${decoded.functionName}`,
      );
    }
    return decoded as RegistryCall;
  });
  const shape = calls.map((c) => c.functionName).join("+");
  if (!(SPONSORED_SHAPES as readonly string[]).includes(shape)) {
    throw new SponsorshipRefused(
      "shape_not_sponsored",
      `Sponsored operations are one registry call, or attestBySig then grantConsent; not ${shape}`,
    );
  }
  return { calls, shape: shape as CallShape };
}
