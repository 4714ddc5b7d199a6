/**
 * Deploys OneKey through Ignition and writes the network's entry into the deployment book.
 *
 *   npx hardhat run --network localhost   scripts/deploy.ts   # what `npm run dev` does
 *   npx hardhat run --network baseSepolia scripts/deploy.ts   # needs BASE_SEPOLIA_RPC_URL, DEPLOYER_PRIVATE_KEY
 *
 * Parameters come from ignition/parameters/<network>.json. Re-running against a finished
 * deployment changes nothing (Ignition resumes from its journal).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { deploymentsDir } from "../deploy/deployment.js";
import { networkOfHardhatName, networks } from "../deploy/networks.js";
import OneKeyModule from "../ignition/modules/OneKey.js";
import { deploymentFromIgnition, writeDeployment } from "./lib/deploy-book.js";

const connection = await hre.network.getOrCreate();
const network = networkOfHardhatName(connection.networkName);
if (!network) {
  throw new Error(`Unknown network "${connection.networkName}": use localhost, baseSepolia or base`);
}

const parametersFile = join("ignition", "parameters", `${network}.json`);
const { deploymentId } = networks[network];
await connection.ignition.deploy(OneKeyModule, {
  deploymentId,
  parameters: existsSync(parametersFile) ? parametersFile : {},
});

const deployment = deploymentFromIgnition(network, join(hre.config.paths.ignition, "deployments", deploymentId));
const file = writeDeployment(deployment, process.env.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir);
// One JSON line for callers (the dev stack, tests); a table for people.
console.table(Object.fromEntries(Object.entries(deployment.contracts)));
console.log(`Wrote ${file}`);
console.log(JSON.stringify(deployment));
