import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import { type NetworkName, networks } from "./networks.js";

/** Where one contract lives and the block to start indexing it from. */
export interface DeployedContract {
  address: Address;
  startBlock: number;
}

/** One network's entry in the deployment book (deploy/deployments/<network>.json). */
export interface Deployment {
  network: NetworkName;
  chainId: number;
  contracts: Record<string, DeployedContract>;
}

/** The directory of the checked-in book; tests and the dev stack may point elsewhere. */
export const deploymentsDir = join(dirname(fileURLToPath(import.meta.url)), "deployments");

/** Reads a network's deployment; throws a clear error when it has not been deployed. */
export function readDeployment(
  network: NetworkName,
  dir = process.env.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir,
): Deployment {
  const file = join(dir, `${network}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    const hint = network === "local" ? " (run `npm run dev` first)" : "";
    throw new Error(`No OneKey deployment for ${network} in ${file}${hint}`);
  }
  const deployment = JSON.parse(text) as Deployment;
  if (deployment.chainId !== networks[network].chainId) {
    throw new Error(`${file} is for chain ${deployment.chainId}, expected ${networks[network].chainId}`);
  }
  return deployment;
}

/** The address and start block of one contract, or a clear error naming what is missing. */
export function contractOf(deployment: Deployment, name: string): DeployedContract {
  const entry = deployment.contracts[name];
  if (!entry) throw new Error(`${name} is not deployed on ${deployment.network}`);
  return entry;
}
