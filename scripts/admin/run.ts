import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";
import type { z } from "zod";
import { describeContractError } from "../../deploy/errors.js";
import { parseArguments } from "./args.js";

/**
 * Wraps an admin command: arguments are validated before anything touches the network, and any
 * failure (bad argument, would-revert call, RPC trouble) prints one clear line and returns a failed
 * Result, which makes the Hardhat CLI exit with code 1. No stack traces for expected failures.
 */
export function adminAction<S extends z.ZodType>(
  schema: S,
  body: (args: z.output<S>, hre: HardhatRuntimeEnvironment) => Promise<void>,
) {
  return async (raw: Record<string, unknown>, hre: HardhatRuntimeEnvironment) => {
    try {
      await body(parseArguments(schema, raw), hre);
      return successfulResult();
    } catch (error) {
      const message = describeContractError(error);
      console.error(`Error: ${message}`);
      return errorResult(message);
    }
  };
}
