/**
 * Regenerates the deployment book: deploy/abis.ts and deploy/constants.ts from artifacts, and deploy/deployments/<net>.json
 * for every network with a committed Ignition deployment. `--check` fails when anything is stale.
 *
 *   npm run deploy:book            # regenerate
 *   npm run deploy:book -- --check # CI: regenerate in memory, fail on diff
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  abisFile,
  constantsFile,
  deploymentFromIgnition,
  renderAbis,
  renderConstants,
} from "@onekey/deploy/tools/book";
import { deploymentsDir } from "../deploy/deployment.js";
import { type NetworkName, networks } from "../deploy/networks.js";

const check = process.argv.includes("--check");
const stale: string[] = [];

function sync(file: string, text: string) {
  const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (current === text) return;
  if (check) stale.push(file);
  else writeFileSync(file, text);
}

sync(abisFile, renderAbis());
sync(constantsFile, renderConstants());

// Public networks only: the local book is written by `npm run dev` for the chain it starts.
for (const network of ["baseSepolia", "base"] as NetworkName[]) {
  const dir = join("ignition", "deployments", networks[network].deploymentId);
  if (!existsSync(join(dir, "deployed_addresses.json"))) continue;
  const deployment = deploymentFromIgnition(network, dir);
  sync(join(deploymentsDir, `${network}.json`), `${JSON.stringify(deployment, null, 2)}\n`);
}

if (stale.length > 0) {
  console.error(`Deployment book is stale; run \`npm run deploy:book\` and commit:\n  ${stale.join("\n  ")}`);
  process.exit(1);
}
console.log(check ? "Deployment book is current." : "Deployment book regenerated.");
