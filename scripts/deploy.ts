/**
 * Deploys OneKey and its v0.7 paymaster through Ignition and writes the network's entry into the
 * deployment book.
 *
 *   npx hardhat run --network localhost   scripts/deploy.ts   # what `npm run dev` does
 *   npx hardhat run --network baseSepolia scripts/deploy.ts   # needs BASE_SEPOLIA_RPC_URL, DEPLOYER_PRIVATE_KEY
 *
 * On the local chain it first installs the deterministic deployer and CREATE2-deploys the
 * canonical EntryPoint v0.7/v0.8 and SimpleAccountFactory v0.7 (Base already has them). The
 * paymaster is deployed and staked but no project is funded.
 *
 * Parameters come from ignition/parameters/<network>.json; PAYMASTER_SPONSOR_SIGNER (an address)
 * overrides the paymaster's sponsorship signer, which on Base must be the issuer service's key
 * (the module's default, account #1, exists only on local chains). Re-running against a finished
 * deployment changes nothing (Ignition resumes from its journal).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { ENTRY_POINT_V07 } from "@onekey/deploy";
import { deploymentFromIgnition, writeDeployment } from "@onekey/deploy/tools/book";
import { ensureDeterministicDeployer } from "@onekey/devnet/deterministic-deployer";
import hre from "hardhat";
import { getAddress } from "viem";
import { deploymentsDir } from "../deploy/deployment.js";
import { networkOfHardhatName, networks } from "../deploy/networks.js";
import LocalEntryPointModule from "../ignition/modules/local/EntryPoint.js";
import OneKeyModule from "../ignition/modules/OneKey.js";
import PaymasterModule from "../ignition/modules/Paymaster.js";

const connection = await hre.network.getOrCreate();
const network = networkOfHardhatName(connection.networkName);
if (!network) {
  throw new Error(`Unknown network "${connection.networkName}": use localhost, baseSepolia or base`);
}

type Parameters = DeploymentParameters;
const parametersFile = join("ignition", "parameters", `${network}.json`);
const parameters: Parameters = existsSync(parametersFile) ? JSON.parse(readFileSync(parametersFile, "utf8")) : {};
if (process.env.PAYMASTER_SPONSOR_SIGNER) {
  parameters.OneKeyPaymaster = {
    ...parameters.OneKeyPaymaster,
    sponsorSigner: getAddress(process.env.PAYMASTER_SPONSOR_SIGNER),
  };
}

const { deploymentId } = networks[network];
const options = { deploymentId, parameters };

if (network === "local") {
  const publicClient = await connection.viem.getPublicClient();
  await ensureDeterministicDeployer(publicClient, await connection.viem.getTestClient());
  // CREATE2 twice at one address fails: skip when this chain has the EntryPoint but the journal
  // (and so the book) would not know it, e.g. a chain kept across a wiped journal.
  const journal = join(hre.config.paths.ignition, "deployments", deploymentId, "journal.jsonl");
  const code = await publicClient.getCode({ address: ENTRY_POINT_V07 });
  const journalKnowsIt = existsSync(journal) && readFileSync(journal, "utf8").includes("LocalEntryPoint#");
  if (code === undefined || code === "0x" || journalKnowsIt) {
    await connection.ignition.deploy(LocalEntryPointModule, options);
  }
}
await connection.ignition.deploy(OneKeyModule, options);
await connection.ignition.deploy(PaymasterModule, options);

const deployment = deploymentFromIgnition(network, join(hre.config.paths.ignition, "deployments", deploymentId));
const file = writeDeployment(deployment, process.env.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir);
// One JSON line for callers (the dev stack, tests); a table for people.
console.table(Object.fromEntries(Object.entries(deployment.contracts)));
console.log(`Wrote ${file}`);
console.log(JSON.stringify(deployment));
