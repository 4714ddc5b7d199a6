import { oneKeyPaymasterAbi, projectRegistryAbi, signSponsorship, stubPaymasterData } from "@onekey/deploy";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { type Address, getAddress, type Hex, isAddress, isHex, type LocalAccount, type PublicClient } from "viem";
import { z } from "zod";
import type { IssuerConfig } from "../config.js";
import { checkOperationCalls, SponsorshipRefused } from "./policy.js";

/** Gas limits the stub proposes for the paymaster's own validation and postOp (bundlers may raise them). */
export const PAYMASTER_VERIFICATION_GAS = 90_000n;
export const PAYMASTER_POST_OP_GAS = 45_000n;

const hexQuantity = z
  .string()
  .refine((v) => isHex(v), "must be a 0x-prefixed hex quantity")
  .transform((v) => BigInt(v));
const hexBytes = z
  .string()
  .refine((v) => isHex(v), "must be 0x-prefixed hex bytes")
  .transform((v) => v as Hex);
const address = z
  .string()
  .refine((v) => isAddress(v), "must be an address")
  .transform((v) => getAddress(v) as Address);

/** An EntryPoint v0.7 user operation as ERC-7677 wallets send it (hex-encoded fields). */
const userOperationSchema = z.object({
  sender: address,
  nonce: hexQuantity,
  factory: address.optional().nullable(),
  factoryData: hexBytes.optional().nullable(),
  callData: hexBytes,
  callGasLimit: hexQuantity,
  verificationGasLimit: hexQuantity,
  preVerificationGas: hexQuantity,
  maxFeePerGas: hexQuantity,
  maxPriorityFeePerGas: hexQuantity,
  paymasterVerificationGasLimit: hexQuantity.optional().nullable(),
  paymasterPostOpGasLimit: hexQuantity.optional().nullable(),
});

/** The context a OneKey wallet passes: which project pays. */
const contextSchema = z.object({
  projectId: z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,19}$/)]).transform((v) => BigInt(v)),
});

export const paymasterParamsSchema = z.tuple([userOperationSchema, address, hexQuantity, contextSchema]);

/** A bad request (JSON-RPC -32602), naming the parameter that was wrong. */
export class InvalidParams extends Error {
  override name = "InvalidParams";
}

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

/**
 * ERC-7677 paymaster service for OneKeyPaymaster. The stub carries a well-formed dummy signature
 * (gas estimation runs the same code path); the real data is signed only after the policy passes:
 * right chain and entry point, only OneKey registry calls, an active project whose budget covers
 * the operation's maximum cost, and the per-sender rate limit.
 */
export function createSponsorshipService(deps: {
  config: IssuerConfig;
  client: PublicClient;
  signer: LocalAccount;
  now?: () => number;
}): SponsorshipService {
  const { config, client, signer } = deps;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const limiter = new RateLimiterMemory({ points: config.SPONSOR_RATE_PER_MINUTE, duration: 60 });

  async function checkCommon(params: unknown) {
    const [op, entryPoint, chainId, context] = parseParams(params);
    if (chainId !== BigInt(config.CHAIN_ID)) {
      throw new SponsorshipRefused("wrong_chain", `This paymaster serves chain ${config.CHAIN_ID}, not ${chainId}`);
    }
    if (entryPoint !== config.ENTRY_POINT) {
      throw new SponsorshipRefused("wrong_entry_point", `This paymaster serves EntryPoint ${config.ENTRY_POINT}`);
    }
    checkOperationCalls(
      { callData: op.callData, factory: op.factory ?? undefined },
      config.KYC_REGISTRY_ADDRESS,
      config.SPONSOR_ALLOWED_FACTORIES,
    );
    const [status, budget] = await Promise.all([
      client.readContract({
        address: config.PROJECT_REGISTRY_ADDRESS,
        abi: projectRegistryAbi,
        functionName: "projectStatus",
        args: [context.projectId],
      }),
      client.readContract({
        address: config.PAYMASTER_ADDRESS,
        abi: oneKeyPaymasterAbi,
        functionName: "projectBudget",
        args: [context.projectId],
      }),
    ]);
    // ProjectStatus: 0 None, 1 Active, 2 Suspended.
    if (status !== 1) throw new SponsorshipRefused("project_not_active", `Project ${context.projectId} is not active`);
    if (!budget.active) {
      throw new SponsorshipRefused(
        "project_not_synced",
        `Project ${context.projectId} is active but the paymaster has not synced it (call syncProjectStatus or fund it)`,
      );
    }
    return { op, projectId: context.projectId, balance: budget.balance };
  }

  function window() {
    const t = now();
    // A little slack for clocks behind ours; the EntryPoint rejects validAfter in its future.
    return { validAfter: Math.max(0, t - 30), validUntil: t + config.SPONSORSHIP_TTL_SECONDS };
  }

  return {
    async getPaymasterStubData(params) {
      const { projectId, balance } = await checkCommon(params);
      if (balance === 0n)
        throw new SponsorshipRefused("budget_empty", `Project ${projectId} has no sponsorship budget`);
      return {
        sponsor: { name: config.SPONSOR_NAME },
        paymaster: config.PAYMASTER_ADDRESS,
        paymasterData: stubPaymasterData({ projectId, ...window() }),
        paymasterVerificationGasLimit: `0x${PAYMASTER_VERIFICATION_GAS.toString(16)}`,
        paymasterPostOpGasLimit: `0x${PAYMASTER_POST_OP_GAS.toString(16)}`,
        isFinal: false,
      };
    },

    async getPaymasterData(params) {
      const { op, projectId, balance } = await checkCommon(params);
      const paymasterVerificationGasLimit = op.paymasterVerificationGasLimit ?? PAYMASTER_VERIFICATION_GAS;
      const paymasterPostOpGasLimit = op.paymasterPostOpGasLimit ?? PAYMASTER_POST_OP_GAS;
      const maxCost =
        (op.verificationGasLimit +
          op.callGasLimit +
          op.preVerificationGas +
          paymasterVerificationGasLimit +
          paymasterPostOpGasLimit) *
        op.maxFeePerGas;
      if (balance < maxCost) {
        throw new SponsorshipRefused(
          "budget_insufficient",
          `Project ${projectId} budget ${balance} wei cannot cover the operation's maximum cost ${maxCost} wei`,
        );
      }
      try {
        await limiter.consume(`${projectId}:${op.sender}`);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new SponsorshipRefused(
            "rate_limited",
            `Too many sponsored operations for ${op.sender}; retry in ${Math.ceil(error.msBeforeNext / 1000)} s`,
          );
        }
        throw error;
      }
      const paymasterData = await signSponsorship(signer, {
        chainId: config.CHAIN_ID,
        paymaster: config.PAYMASTER_ADDRESS,
        projectId,
        ...window(),
        userOperation: {
          sender: op.sender,
          nonce: op.nonce,
          factory: op.factory ?? undefined,
          factoryData: op.factoryData ?? undefined,
          callData: op.callData,
          verificationGasLimit: op.verificationGasLimit,
          callGasLimit: op.callGasLimit,
          preVerificationGas: op.preVerificationGas,
          maxFeePerGas: op.maxFeePerGas,
          maxPriorityFeePerGas: op.maxPriorityFeePerGas,
          paymasterVerificationGasLimit,
          paymasterPostOpGasLimit,
        },
      });
      return { paymaster: config.PAYMASTER_ADDRESS, paymasterData };
    },
  };
}
