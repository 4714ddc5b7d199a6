/**
 * The first block worth reading the registry's and paymaster's logs from, from the deployment
 * book the build read (the same book vite.config.ts hands the app's configuration).
 */
import deploymentSource from "virtual:onekey-deployment";

export function chainStartBlock(fallback: number): bigint {
  const contracts = deploymentSource.deployment?.contracts;
  const blocks = [contracts?.ProjectRegistry?.startBlock, contracts?.OneKeyPaymaster?.startBlock].filter(
    (b): b is number => typeof b === "number",
  );
  return BigInt(blocks.length > 0 ? Math.min(...blocks) : fallback);
}
