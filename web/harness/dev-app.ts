/**
 * The web app in the dev stack (`npm run dev`), and what a person needs to try it at once: a demo
 * organization and project with a funded sponsorship budget, so the printed verify link works
 * with no other step. Also used by the e2e suite and `npm run bench:web`, which run the same
 * stack. Dev keys are Hardhat's public test accounts.
 */
import { join } from "node:path";
import { type Deployment, oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import { repoRoot, startProcess, waitFor } from "@onekey/devnet/processes";
import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

const TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat test account #0: deploys OneKey locally, and owns the demo organization. */
export const demoOwner = (): Account => mnemonicToAccount(TEST_MNEMONIC, { addressIndex: 0 });

export interface DemoProject {
  orgId: bigint;
  projectId: bigint;
  slug: string;
}

function contract(deployment: Deployment, name: string): Address {
  const entry = deployment.contracts[name];
  if (!entry) throw new Error(`the local deployment lacks ${name}`);
  return entry.address;
}

/** Creates an organization (unless given) and a project with `budget` wei of sponsorship. */
export async function seedProject(options: {
  rpcUrl: string;
  deployment: Deployment;
  slug: string;
  orgId?: bigint;
  requiredLevel?: number;
  budget?: bigint;
  owner?: Account;
}): Promise<DemoProject> {
  const owner = options.owner ?? demoOwner();
  const reader = createPublicClient({ chain: hardhat, transport: http(options.rpcUrl), pollingInterval: 50 });
  const writer = createWalletClient({ account: owner, chain: hardhat, transport: http(options.rpcUrl) });
  const projectRegistry = contract(options.deployment, "ProjectRegistry");
  const send = async (hash: Promise<`0x${string}`>): Promise<TransactionReceipt> => {
    const receipt = await reader.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`seeding transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };

  let orgId = options.orgId;
  if (orgId === undefined) {
    const receipt = await send(
      writer.writeContract({
        address: projectRegistry,
        abi: projectRegistryAbi,
        functionName: "createOrganization",
        args: [owner.address, "ipfs://onekey-demo-org"],
      }),
    );
    const [created] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "OrganizationCreated" });
    if (!created) throw new Error("createOrganization emitted no OrganizationCreated");
    orgId = created.args.orgId;
  }
  const receipt = await send(
    writer.writeContract({
      address: projectRegistry,
      abi: projectRegistryAbi,
      functionName: "createProject",
      args: [
        orgId,
        options.slug,
        { requiredLevel: options.requiredLevel ?? 1, acceptedIssuers: [], metadataURI: `ipfs://${options.slug}` },
      ],
    }),
  );
  const [project] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "ProjectCreated" });
  if (!project) throw new Error("createProject emitted no ProjectCreated");
  const projectId = project.args.projectId;
  await send(
    writer.writeContract({
      address: contract(options.deployment, "OneKeyPaymaster"),
      abi: oneKeyPaymasterAbi,
      functionName: "fundProject",
      args: [projectId],
      value: options.budget ?? parseEther("1"),
    }),
  );
  return { orgId, projectId, slug: options.slug };
}

export interface DevApp {
  url: string;
  stop(): Promise<void>;
}

/** The app's VITE_ONEKEY_* settings for a local stack (the deployment comes from the book). */
export interface DevAppServices {
  rpcUrl: string;
  aaBundlerUrl: string;
  issuerUrl: string;
  storageBundlerUrl: string;
  keyserviceUrl: string;
  /** The tenant API (the dashboard's); unset, the app's default (127.0.0.1:42069). */
  apiUrl?: string;
  /** Where the book was written (default deploy/deployments). */
  deployBookDir?: string;
}

/** Runs a command in `cwd` to completion; rejects with its output when it fails. */
function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const run = startProcess(command, args, { env, cwd });
  return new Promise((resolve, reject) => {
    run.child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed:\n${run.output()}`)),
    );
  });
}

/**
 * Starts the app on 127.0.0.1:`port`, pointed at the local services: Vite's dev server, or with
 * `mode: "preview"` (ONEKEY_DEV_APP_MODE=preview) a production build served by `vite preview`,
 * which the e2e suite and the benchmark use (what people get, and no on-demand compiling).
 */
export async function startDevApp(options: {
  port: number;
  services: DevAppServices;
  mode?: "dev" | "preview";
  echo?: boolean;
}): Promise<DevApp> {
  const { services } = options;
  const mode = options.mode ?? (process.env.ONEKEY_DEV_APP_MODE === "preview" ? "preview" : "dev");
  const vite = join(repoRoot, "node_modules", "vite", "bin", "vite.js");
  const env = {
    VITE_ONEKEY_NETWORK: "local",
    VITE_ONEKEY_RPC_URL: services.rpcUrl,
    VITE_ONEKEY_AA_BUNDLER_URL: services.aaBundlerUrl,
    VITE_ONEKEY_ISSUER_URL: services.issuerUrl,
    VITE_ONEKEY_STORAGE: "local",
    VITE_ONEKEY_BUNDLER_URL: services.storageBundlerUrl,
    VITE_ONEKEY_KEYS: "keyservice",
    VITE_ONEKEY_KEYSERVICE_URL: services.keyserviceUrl,
    ...(services.apiUrl ? { VITE_ONEKEY_API_URL: services.apiUrl } : {}),
    ...(services.deployBookDir ? { ONEKEY_DEPLOY_BOOK_DIR: services.deployBookDir } : {}),
  };
  const cwd = join(repoRoot, "web");
  if (mode === "preview") {
    await runToEnd(process.execPath, [vite, "build", "--configLoader", "runner", "--logLevel", "warn"], env, cwd);
  }
  const server = startProcess(
    process.execPath,
    [vite, ...(mode === "preview" ? ["preview"] : []), "--configLoader", "runner", "--port", String(options.port)],
    { cwd, echo: options.echo, env },
  );
  // The origin the key service and the issuer name in their sign-in messages.
  const url = `http://localhost:${options.port}`;
  await waitFor(
    `the web app on ${url}`,
    async () => {
      if (server.child.exitCode !== null) throw new Error(`vite exited:\n${server.output()}`);
      return (await fetch(`http://127.0.0.1:${options.port}/`)).ok;
    },
    120_000,
  );
  return { url, stop: () => server.stop() };
}
