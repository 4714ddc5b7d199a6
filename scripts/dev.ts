/**
 * `npm run dev`: the whole system on this machine. Starts a local chain (ONEKEY_CHAIN_PORT, default
 * 8545, or a free port when that is taken), deploys OneKey through Ignition, writes the deployment
 * into deploy/deployments/local.json and prints it. Runs until Ctrl-C.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startLocalChain } from "./lib/local-chain.js";
import { freePort, hardhatCli, portInUse, repoRoot, runToEnd } from "./lib/processes.js";

const wanted = Number(process.env.ONEKEY_CHAIN_PORT ?? 8545);
if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535) {
  throw new Error(`ONEKEY_CHAIN_PORT must be a port number, got "${process.env.ONEKEY_CHAIN_PORT}"`);
}
const port = (await portInUse(wanted)) ? await freePort() : wanted;
if (port !== wanted) console.log(`Port ${wanted} is taken; the chain uses ${port} instead.`);

console.log("Compiling contracts...");
await runToEnd(process.execPath, [hardhatCli(), "compile", "--no-tests", "--quiet"]);

// A fresh chain each start: the previous run's Ignition journal describes a chain that is gone.
const ignitionDir = join(repoRoot, ".dev", "ignition");
rmSync(ignitionDir, { recursive: true, force: true });

const chain = await startLocalChain({
  port,
  ignitionDir,
  deployBookDir: join(repoRoot, "deploy", "deployments"),
});

console.log(`
OneKey local stack is up.
  chain      ${chain.rpcUrl} (chain id ${chain.chainId})
  book       deploy/deployments/local.json`);
for (const [name, { address, startBlock }] of Object.entries(chain.deployment?.contracts ?? {})) {
  console.log(`  ${name.padEnd(16)} ${address} (block ${startBlock})`);
}
console.log("Press Ctrl-C to stop.");

const shutdown = async () => {
  await chain.stop();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
