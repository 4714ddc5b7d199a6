/**
 * `npm run dev`: the whole system on this machine. Starts a local chain (ONEKEY_CHAIN_PORT, default
 * 8545, or a free port when that is taken), deploys OneKey, the canonical EntryPoint v0.7 and
 * OneKeyPaymaster through Ignition, writes the deployment into deploy/deployments/local.json and
 * prints it; then starts the Alto bundler (ONEKEY_BUNDLER_PORT, default 4337) and the issuer
 * service (ONEKEY_ISSUER_PORT, default 8787), arlocal (ONEKEY_ARLOCAL_PORT, default 1984), the
 * local key service (ONEKEY_KEYSERVICE_PORT, default 4010) and the sandbox KYC provider
 * (ONEKEY_DEV_KYC_SANDBOX_PORT, default 4020) with a second one as the fallback provider
 * (ONEKEY_DEV_KYC_SANDBOX_B_PORT, default 4021); seeds a demo organization and project with a
 * funded sponsorship budget, the project's API key and a webhook endpoint at a local receiver that
 * verifies every delivery (scripts/dev-seed.ts, through @onekey/sdk), and starts the web app
 * (ONEKEY_DEV_APP_PORT, default 5173), then prints the one URL to open first: the demo project's
 * verify link. `npm run dev -- --empty` seeds nothing. Dev keys are Hardhat's public test accounts.
 * Runs until Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_POINT_V07, kycRegistryAbi } from "@onekey/deploy";
import { startAlto } from "@onekey/devnet/alto";
import { startDevPrivacy } from "@onekey/devnet/dev-privacy";
import { startKycSandbox } from "@onekey/devnet/kyc-sandbox/server";
import { startLocalChain } from "@onekey/devnet/local-chain";
import { freePort, hardhatCli, portInUse, repoRoot, runToEnd, startProcess, waitFor } from "@onekey/devnet/processes";
import { startDevIndexer } from "@onekey/indexer/harness/dev";
import { createTestDatabase } from "@onekey/indexer/harness/postgres";
import { startDevApp } from "@onekey/web/harness";
import { ArlocalStorage } from "@onekey/web/privacy";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { demoBanner, demoStackEntry, parseDevArgs, seedDevDemo } from "./dev-seed.js";

/** Hardhat test account #1: the paymaster module's default sponsorship signer on local chains. */
const DEV_SPONSOR_SIGNER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** Hardhat test account #0 (governance locally) registers account #4 as the dev KYC issuer. */
const DEV_GOVERNANCE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_KYC_SIGNER_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
/** What the local stack prices 1 ETH at (USD): a fixed stand-in for a price feed. */
const DEV_ETH_PRICE = "3000";

// Refuse a mistyped option before anything starts.
const devOptions = parseDevArgs(process.argv.slice(2));

/** The port named by `variable` (default `fallback`), or a free one when that is taken. */
async function portFor(variable: string, fallback: number, what: string): Promise<number> {
  const wanted = Number(process.env[variable] ?? fallback);
  if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535) {
    throw new Error(`${variable} must be a port number, got "${process.env[variable]}"`);
  }
  if (!(await portInUse(wanted))) return wanted;
  const port = await freePort();
  console.log(`Port ${wanted} is taken; the ${what} uses ${port} instead.`);
  return port;
}

const port = await portFor("ONEKEY_CHAIN_PORT", 8545, "chain");
// The web app's origin is what the key service's sign-in messages name: fixed before it starts.
const appPort = await portFor("ONEKEY_DEV_APP_PORT", 5173, "web app");
const appOrigin = `http://localhost:${appPort}`;
process.env.ONEKEY_KEYSERVICE_DAPP_ORIGIN ??= appOrigin;

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

const contracts = chain.deployment?.contracts ?? {};
const addressOf = (name: string) => {
  const entry = contracts[name];
  if (!entry) throw new Error(`The local deployment lacks ${name}`);
  return entry.address;
};

console.log("Starting the Alto bundler...");
// The web app's browser wallet sends user operations from the page: Alto must answer CORS.
process.env.ALTO_ENABLE_CORS ??= "true";
const alto = await startAlto({ rpcUrl: chain.rpcUrl, port: await portFor("ONEKEY_BUNDLER_PORT", 4337, "bundler") });

// The key service reports each key release (and the issuer each admin action) to the tenant API's audit
// trail, with a token made for this run.
const indexerPort = await portFor("ONEKEY_INDEXER_PORT", 42069, "indexer");
const auditIngestToken = randomBytes(24).toString("base64url");
// Operators' provider deletions go from the tenant API to the issuer, with a token made for this run.
const issuerOperatorToken = randomBytes(24).toString("base64url");

console.log("Starting arlocal and the local key service...");
const privacy = await startDevPrivacy({
  rpcUrl: chain.rpcUrl,
  deployBookDir: chain.deployBookDir,
  portFor,
  settlerFor: ArlocalStorage.settler,
  audit: { url: `http://127.0.0.1:${indexerPort}`, token: auditIngestToken },
});

console.log("Starting the issuer service and the sandbox KYC provider...");
// The issuer's attestation ledger: a fresh database per run (the chain is fresh too), dropped on stop.
const issuerDatabase = await createTestDatabase(
  "onekey_dev_issuer",
  process.env.ONEKEY_DEV_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres",
);
const issuerPort = await portFor("ONEKEY_ISSUER_PORT", 8787, "issuer");
const issuerUrl = `http://127.0.0.1:${issuerPort}`;
const kycSandbox = await startKycSandbox({
  port: await portFor("ONEKEY_DEV_KYC_SANDBOX_PORT", 4020, "sandbox KYC provider"),
  webhookUrl: `${issuerUrl}/v1/providers/sandbox/webhook`,
  log: (line) => console.warn(`[kyc sandbox] ${line}`),
});
// A second sandbox, "sandbox-b", is the fallback provider: take the first down through its admin
// API (PUT /admin/fault) and sessions move to this one, as they would between real providers.
const kycSandboxB = await startKycSandbox({
  port: await portFor("ONEKEY_DEV_KYC_SANDBOX_B_PORT", 4021, "fallback sandbox KYC provider"),
  webhookUrl: `${issuerUrl}/v1/providers/sandbox-b/webhook`,
  log: (line) => console.warn(`[kyc sandbox-b] ${line}`),
});
// The dev KYC issuer key signs attestations: governance registers it once on the fresh chain.
const devKycSigner = privateKeyToAccount(DEV_KYC_SIGNER_KEY);
const registration = await createWalletClient({
  account: privateKeyToAccount(DEV_GOVERNANCE_KEY),
  chain: hardhat,
  transport: http(chain.rpcUrl),
}).writeContract({
  address: addressOf("KycRegistry"),
  abi: kycRegistryAbi,
  functionName: "registerIssuer",
  args: [devKycSigner.address],
});
await createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }).waitForTransactionReceipt({
  hash: registration,
});
const issuer = startProcess(process.execPath, ["--import", "tsx", "src/main.ts"], {
  cwd: join(repoRoot, "issuer"),
  env: {
    ONEKEY_NETWORK: "local",
    ONEKEY_RPC_URL: chain.rpcUrl,
    ONEKEY_DEPLOY_BOOK_DIR: join(repoRoot, "deploy", "deployments"),
    ONEKEY_ISSUER_PORT: String(issuerPort),
    // Sign-in messages name the web app, and only it may call the sessions API from a browser.
    ONEKEY_ISSUER_DAPP_ORIGIN: appOrigin,
    ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: DEV_SPONSOR_SIGNER_KEY,
    ONEKEY_ISSUER_KYC_SIGNER_KEY: DEV_KYC_SIGNER_KEY,
    ONEKEY_ISSUER_DATABASE_URL: issuerDatabase.url,
    ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: privacy.bundlerUrl,
    ONEKEY_ISSUER_PROVIDERS: "sandbox,sandbox-b",
    ONEKEY_ISSUER_SANDBOX_URL: kycSandbox.url,
    ONEKEY_ISSUER_SANDBOX_APP_TOKEN: kycSandbox.credentials.appToken,
    ONEKEY_ISSUER_SANDBOX_SECRET_KEY: kycSandbox.credentials.secretKey,
    ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: kycSandbox.credentials.webhookSecret,
    ONEKEY_ISSUER_SANDBOX_B_URL: kycSandboxB.url,
    ONEKEY_ISSUER_SANDBOX_B_APP_TOKEN: kycSandboxB.credentials.appToken,
    ONEKEY_ISSUER_SANDBOX_B_SECRET_KEY: kycSandboxB.credentials.secretKey,
    ONEKEY_ISSUER_SANDBOX_B_WEBHOOK_SECRET: kycSandboxB.credentials.webhookSecret,
    ONEKEY_ISSUER_CHAIN_POLL_MS: "200",
    ONEKEY_ISSUER_OPERATOR_TOKEN: issuerOperatorToken,
    // Project admins' KYC settings changes go to the same audit trail, with the same token.
    ONEKEY_ISSUER_AUDIT_URL: `http://127.0.0.1:${indexerPort}`,
    ONEKEY_ISSUER_AUDIT_TOKEN: auditIngestToken,
  },
});
await waitFor(`issuer service on ${issuerUrl}`, async () => {
  if (issuer.child.exitCode !== null) throw new Error(`issuer exited:\n${issuer.output()}`);
  return (await fetch(`${issuerUrl}/health`)).ok;
});

console.log("Starting the indexer (Ponder), tenant API and webhook worker...");
const indexer = await startDevIndexer({
  rpcUrl: chain.rpcUrl,
  port: indexerPort,
  env: {
    ONEKEY_API_AUDIT_INGEST_TOKEN: auditIngestToken,
    // Operators (ONEKEY_API_OPERATORS) see subjects' sessions and send provider deletions to the issuer.
    ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: issuerDatabase.url,
    ONEKEY_API_ISSUER_URL: issuerUrl,
    ONEKEY_API_ISSUER_OPERATOR_TOKEN: issuerOperatorToken,
    // A fixed local ETH price, so the dashboard's statements and cost charts price sponsored gas.
    ONEKEY_ANALYTICS_ETH_PRICE: DEV_ETH_PRICE,
  },
  // The worker's analytics rebuild and security scan read the issuer's sessions and refusals.
  workerEnv: { ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: issuerDatabase.url },
});

console.log(
  devOptions.empty
    ? "Starting the web app (Vite); --empty: no demo project..."
    : "Seeding the demo project (sponsorship budget, API key, webhook endpoint) and starting the web app (Vite)...",
);
if (!chain.deployment) throw new Error("the local chain has no deployment");
const demo = await seedDevDemo({
  ...devOptions,
  rpcUrl: chain.rpcUrl,
  deployment: chain.deployment,
  apiUrl: indexer.url,
  log: (line) => console.log(line),
});
const seed = demo.seed;
const app = await startDevApp({
  port: appPort,
  services: {
    rpcUrl: chain.rpcUrl,
    aaBundlerUrl: alto.url,
    issuerUrl,
    storageBundlerUrl: privacy.bundlerUrl,
    keyserviceUrl: privacy.keyserviceUrl,
    apiUrl: indexer.url,
  },
});
const verifyUrl = seed ? `${app.url}/verify/${seed.slug}` : null;
// For tests and benchmarks that drive this stack: every URL in one machine-readable place.
mkdirSync(join(repoRoot, ".dev"), { recursive: true });
writeFileSync(
  join(repoRoot, ".dev", "stack.json"),
  JSON.stringify({
    verifyUrl,
    appUrl: app.url,
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    bundlerUrl: alto.url,
    issuerUrl,
    indexerUrl: indexer.url,
    storageBundlerUrl: privacy.bundlerUrl,
    keyserviceUrl: privacy.keyserviceUrl,
    sandboxes: {
      sandbox: { url: kycSandbox.url, adminToken: kycSandbox.credentials.adminToken },
      "sandbox-b": { url: kycSandboxB.url, adminToken: kycSandboxB.credentials.adminToken },
    },
    // Ids and URLs only: the API key's secret is printed below, never written to a file.
    demo: demoStackEntry(seed),
  }),
);

console.log(`
OneKey local stack is up.
  chain      ${chain.rpcUrl} (chain id ${chain.chainId})
  bundler    ${alto.url} (Alto, EntryPoint v0.7 ${ENTRY_POINT_V07})
  paymaster  ${issuerUrl} (issuer service, ERC-7677; context { projectId })
  sessions   ${issuerUrl}/v1 (KYC sessions, ${issuerUrl}/openapi.json; KYC issuer ${devKycSigner.address})
  kyc        ${kycSandbox.url} (sandbox KYC provider; admin token ${kycSandbox.credentials.adminToken})
             ${kycSandboxB.url} (sandbox-b, the fallback provider; admin token ${kycSandboxB.credentials.adminToken})
  indexer    ${indexer.url} (tenant API, ${indexer.url}/openapi.json; log ${indexer.logFile})
  webhooks   ${indexer.webhooks}
  book       deploy/deployments/local.json`);
for (const line of privacy.summary) console.log(line);
for (const [name, { address, startBlock }] of Object.entries(contracts)) {
  console.log(`  ${name.padEnd(24)} ${address} (block ${startBlock})`);
}
console.log(`  web app    ${app.url} (dashboard ${app.url}/dashboard)`);
for (const line of demoBanner(seed, app.url)) console.log(line);
console.log(`\nOpen this first: ${verifyUrl ?? `${app.url}/dashboard`}\n`);
console.log("Press Ctrl-C to stop.");

// Ctrl-C reaches this process more than once (the terminal, npm and tsx each pass SIGINT on):
// with `once`, the second one killed it mid-shutdown and left the later services running.
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await app.stop();
  await demo.stop();
  await indexer.stop();
  await issuer.stop();
  await kycSandbox.stop();
  await kycSandboxB.stop();
  await privacy.stop();
  await issuerDatabase.drop();
  await alto.stop();
  await chain.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
