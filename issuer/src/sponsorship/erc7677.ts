import {
  type FlagReader,
  FlagSet,
  oneKeyPaymasterAbi,
  projectRegistryAbi,
  signSponsorship,
  stubPaymasterData,
} from "@onekey/deploy";
import { type Address, getAddress, type Hex, isAddress, type LocalAccount, maxUint128, type PublicClient } from "viem";
import { z } from "zod";
import type { IssuerConfig } from "../config.js";
import type { AttestationLedger } from "../ledger/attestation-ledger.js";
import { type AccountAllowList, identifyAccount, loadAccountAllowList } from "./accounts.js";
import { checkFees, checkGasLimits, type GasCaps, gasCapsFor } from "./gas-caps.js";
import { checkOperationCalls, InvalidParams, SponsorshipRefused } from "./policy.js";
import { checkProjectBinding } from "./project-binding.js";
import type { SponsorshipLimits } from "./rate-limits.js";

const UINT64_MAX = (1n << 64n) - 1n;

/** A JSON-RPC quantity: 0x followed by at least one hex digit ("0x" alone is no number). */
const hexQuantity = (max: bigint, what: string) =>
  z
    .string()
    .regex(/^0x[0-9a-fA-F]{1,64}$/, "must be a 0x-prefixed hex quantity")
    .transform((v) => BigInt(v))
    .refine((v) => v <= max, `must fit in ${what}`);
const uint256 = hexQuantity((1n << 256n) - 1n, "uint256");
const uint128 = hexQuantity(maxUint128, "uint128");
const hexBytes = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes")
  .transform((v) => v as Hex);
const address = z
  .string()
  .refine((v) => isAddress(v), "must be an address")
  .transform((v) => getAddress(v) as Address);

/** An EntryPoint v0.7 user operation as ERC-7677 wallets send it (hex-encoded fields). */
const userOperationSchema = z.object({
  sender: address,
  nonce: uint256,
  factory: address.optional().nullable(),
  factoryData: hexBytes.optional().nullable(),
  callData: hexBytes,
  callGasLimit: uint128,
  verificationGasLimit: uint128,
  // uint256 in the signed struct, but the EntryPoint refuses anything above uint120.
  preVerificationGas: uint128,
  maxFeePerGas: uint128,
  maxPriorityFeePerGas: uint128,
  paymasterVerificationGasLimit: uint128.optional().nullable(),
  paymasterPostOpGasLimit: uint128.optional().nullable(),
});

/** The context a OneKey wallet passes: which project pays (a uint64 project id). */
const contextSchema = z.object({
  projectId: z
    .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9][0-9]{0,19}$/)])
    .transform((v) => BigInt(v))
    .refine((v) => v <= UINT64_MAX, "must be a uint64 project id"),
});

export const paymasterParamsSchema = z.tuple([userOperationSchema, address, uint256, contextSchema]);

export { InvalidParams };

export interface SponsorshipService {
  getPaymasterStubData(params: unknown): Promise<Record<string, unknown>>;
  getPaymasterData(params: unknown): Promise<Record<string, unknown>>;
}

function parseParams(params: unknown) {
  const parsed = paymasterParamsSchema.safeParse(params);
  if (!parsed.success) {
    const names = ["userOperation", "entryPoint", "chainId", "context"];
    const issue = parsed.error.issues[0];
    const [index, ...rest] = issue?.path ?? [];
    const where = typeof index === "number" ? [names[index], ...rest].join(".") : "params";
    throw new InvalidParams(`Invalid ${where}: ${issue?.message ?? "malformed"}`);
  }
  return parsed.data;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

export interface SponsorshipDeps {
  config: IssuerConfig;
  client: PublicClient;
  signer: LocalAccount;
  ledger: AttestationLedger;
  limits: SponsorshipLimits;
  /** Unix seconds. */
  now?: () => number;
  /** Whether a subject has an approved verification session of a project (sponsors setDecryptDelegate). */
  approvedSession?: (subject: Address, projectId: bigint) => Promise<boolean>;
  /** Feature flags (`sponsorship` per project); default: every flag at its default. */
  flags?: FlagReader;
}

/**
 * ERC-7677 paymaster service for OneKeyPaymaster. Both methods run the whole policy (right chain
 * and entry point; a known account; only sponsored registry calls, tied to the paying project;
 * an active, funded project; fees within the caps); the final data is signed only when every gas
 * limit is within its measured cap, the budget covers the maximum cost and the rate limits allow.
 * The stub carries a well-formed dummy signature (gas estimation runs the same code path) and
 * the paymaster gas limits from @onekey/deploy, which are also the most the service signs.
 */
export function createSponsorshipService(deps: SponsorshipDeps): SponsorshipService {
  const { config, client, signer, ledger, limits } = deps;
  const flags = deps.flags ?? FlagSet.defaults();
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  // The paymaster's default per-operation limit is a constructor argument: read it once.
  let defaultMaxOpCost: Promise<bigint> | undefined;
  const maxOpCostOf = async (budget: { maxOpCost: bigint }) => {
    if (budget.maxOpCost !== 0n) return budget.maxOpCost;
    defaultMaxOpCost ??= client
      .readContract({ address: config.contracts.paymaster, abi: oneKeyPaymasterAbi, functionName: "defaultMaxOpCost" })
      .catch((error) => {
        defaultMaxOpCost = undefined;
        throw error;
      });
    return defaultMaxOpCost;
  };
  // The SimpleAccount factories' implementations never change: read them once.
  let allowList: Promise<AccountAllowList> | undefined;
  const accountsAllowed = () => {
    allowList ??= loadAccountAllowList(config, client).catch((error) => {
      allowList = undefined;
      throw error;
    });
    return allowList;
  };
  const feePolicy = {
    maxPriorityFeePerGas: config.sponsor.maxPriorityFeePerGas,
    baseFeeMultiplier: BigInt(config.sponsor.baseFeeMultiplier),
  };

  async function checkFeesNow(op: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }) {
    const block = await client.getBlock({ blockTag: "latest" });
    checkFees(op, block.baseFeePerGas ?? 0n, feePolicy);
  }

  async function checkCommon([op, entryPoint, chainId, context]: ReturnType<typeof parseParams>) {
    const { projectId } = context;
    if (chainId !== BigInt(config.chainId)) {
      throw new SponsorshipRefused("wrong_chain", `This paymaster serves chain ${config.chainId}, not ${chainId}`);
    }
    if (entryPoint !== config.entryPoint) {
      throw new SponsorshipRefused("wrong_entry_point", `This paymaster serves EntryPoint ${config.entryPoint}`);
    }
    // Before any chain read: an operator's pause costs nothing to enforce.
    if (!flags.isOn("sponsorship", projectId)) {
      throw new SponsorshipRefused(
        "sponsorship_paused",
        `Sponsorship is paused for project ${projectId}; try again later`,
      );
    }
    const account = await identifyAccount(op, client, await accountsAllowed());
    const { calls, shape } = checkOperationCalls(op.callData, account.forms, config.contracts.kycRegistry);
    const [status, budget] = await Promise.all([
      client.readContract({
        address: config.contracts.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "projectStatus",
        args: [projectId],
      }),
      client.readContract({
        address: config.contracts.paymaster,
        abi: oneKeyPaymasterAbi,
        functionName: "projectBudget",
        args: [projectId],
      }),
    ]);
    // ProjectStatus: 0 None, 1 Active, 2 Suspended.
    if (status !== 1) throw new SponsorshipRefused("project_not_active", `Project ${projectId} is not active`);
    if (!budget.active) {
      throw new SponsorshipRefused(
        "project_not_synced",
        `Project ${projectId} is active but the paymaster has not synced it (call syncProjectStatus or fund it)`,
      );
    }
    if (budget.balance === 0n) {
      throw new SponsorshipRefused("budget_empty", `Project ${projectId} has no sponsorship budget`);
    }
    await checkProjectBinding(calls, op.sender, projectId, {
      client,
      chainId: config.chainId,
      kycRegistry: config.contracts.kycRegistry,
      ledger,
      now,
      approvedSession: deps.approvedSession,
    });
    await checkFeesNow(op);
    const caps = gasCapsFor({
      op,
      kind: account.kind,
      deploys: account.deploys,
      shape,
      projectCapped: budget.capped,
      paymaster: config.contracts.paymaster,
      l1DataGas: config.sponsor.l1DataGas,
    });
    return { op, projectId, balance: budget.balance, maxOpCost: await maxOpCostOf(budget), caps };
  }

  function window() {
    const t = now();
    // A little slack for clocks behind ours; the EntryPoint rejects validAfter in its future.
    return { validAfter: Math.max(0, t - 30), validUntil: t + config.sponsor.ttlSeconds };
  }

  return {
    async getPaymasterStubData(params) {
      const parsed = parseParams(params);
      return forProject(parsed[3].projectId, async () => {
        const { projectId, caps } = await checkCommon(parsed);
        return {
          sponsor: { name: config.sponsor.name },
          paymaster: config.contracts.paymaster,
          paymasterData: stubPaymasterData({ projectId, ...window() }),
          paymasterVerificationGasLimit: hex(caps.paymasterVerificationGasLimit),
          paymasterPostOpGasLimit: hex(caps.paymasterPostOpGasLimit),
          isFinal: false,
        };
      });
    },

    async getPaymasterData(params) {
      const parsed = parseParams(params);
      return forProject(parsed[3].projectId, async () => {
        const { op, projectId, balance, maxOpCost: opCostLimit, caps } = await checkCommon(parsed);
        const signed: GasCaps = {
          verificationGasLimit: op.verificationGasLimit,
          callGasLimit: op.callGasLimit,
          preVerificationGas: op.preVerificationGas,
          paymasterVerificationGasLimit: op.paymasterVerificationGasLimit ?? caps.paymasterVerificationGasLimit,
          paymasterPostOpGasLimit: op.paymasterPostOpGasLimit ?? caps.paymasterPostOpGasLimit,
        };
        checkGasLimits(signed, caps);
        const maxCost =
          (signed.verificationGasLimit +
            signed.callGasLimit +
            signed.preVerificationGas +
            signed.paymasterVerificationGasLimit +
            signed.paymasterPostOpGasLimit) *
          op.maxFeePerGas;
        if (balance < maxCost) {
          throw new SponsorshipRefused(
            "budget_insufficient",
            `Project ${projectId} budget ${balance} wei cannot cover the operation's maximum cost ${maxCost} wei`,
          );
        }
        // The paymaster would refuse it too (OperationCostTooHigh); say so before signing.
        if (maxCost > opCostLimit) {
          throw new SponsorshipRefused(
            "op_cost_too_high",
            `The operation's maximum cost ${maxCost} wei exceeds project ${projectId}'s per-operation limit ${opCostLimit} wei`,
          );
        }
        // Last: only an operation we are about to sign spends the project's and the subject's points.
        await limits.consume(projectId, op.sender);
        const paymasterData = await signSponsorship(signer, {
          chainId: config.chainId,
          paymaster: config.contracts.paymaster,
          projectId,
          ...window(),
          userOperation: {
            sender: op.sender,
            nonce: op.nonce,
            factory: op.factory ?? undefined,
            factoryData: op.factoryData ?? undefined,
            callData: op.callData,
            verificationGasLimit: signed.verificationGasLimit,
            callGasLimit: signed.callGasLimit,
            preVerificationGas: signed.preVerificationGas,
            maxFeePerGas: op.maxFeePerGas,
            maxPriorityFeePerGas: op.maxPriorityFeePerGas,
            paymasterVerificationGasLimit: signed.paymasterVerificationGasLimit,
            paymasterPostOpGasLimit: signed.paymasterPostOpGasLimit,
          },
        });
        return { paymaster: config.contracts.paymaster, paymasterData };
      });
    },
  };
}

/** Names the project on a refusal, so the issuer counts refusals per project (server.ts). */
async function forProject<T>(projectId: bigint, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SponsorshipRefused) error.projectId ??= projectId;
    throw error;
  }
}
