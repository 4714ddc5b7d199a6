import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hash, TransactionReceipt } from "viem";
import { projectRegistryAbi } from "../../deploy/abis.js";
import { contractOf, type Deployment, readDeployment } from "../../deploy/deployment.js";
import { describeContractError } from "../../deploy/errors.js";
import { type NetworkName, networkOfHardhatName, networks } from "../../deploy/networks.js";

type Viem = NetworkConnection["viem"];
export type AdminPublicClient = Awaited<ReturnType<Viem["getPublicClient"]>>;
export type AdminWalletClient = Awaited<ReturnType<Viem["getWalletClients"]>>[number];

/** What every admin command works with: the network, its book entry, clients and the signer. */
export interface AdminSession {
  network: NetworkName;
  deployment: Deployment;
  publicClient: AdminPublicClient;
  /** Present only when the command sends transactions. */
  wallet?: AdminWalletClient;
  projectRegistry: Address;
  kycRegistry: Address;
}

async function deployedAt(publicClient: AdminPublicClient, deployment: Deployment, name: string): Promise<Address> {
  const { address } = contractOf(deployment, name);
  const code = await publicClient.getCode({ address });
  if (!code || code === "0x") {
    const hint = deployment.network === "local" ? " (the chain was restarted? run `npm run dev` again)" : "";
    throw new Error(`No ${name} code at ${address} on ${deployment.network}: the deployment book is stale${hint}.`);
  }
  return address;
}

/**
 * Connects to `--network`, reads its deployment book entry, checks the chain and the contracts are
 * the book's, and (for commands that write) takes the first configured account as the signer.
 */
export async function openSession(
  hre: HardhatRuntimeEnvironment,
  { write }: { write: boolean },
): Promise<AdminSession> {
  const connection = await hre.network.getOrCreate();
  const network = networkOfHardhatName(connection.networkName);
  if (!network) {
    const names = Object.values(networks).map((n) => n.hardhatNetwork);
    throw new Error(`OneKey admin commands need --network ${names.join(" | ")} (got "${connection.networkName}").`);
  }
  const deployment = readDeployment(network);
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  if (chainId !== deployment.chainId) {
    throw new Error(
      `--network ${connection.networkName} is chain ${chainId}, but the book expects ${deployment.chainId}.`,
    );
  }
  const [projectRegistry, kycRegistry] = await Promise.all([
    deployedAt(publicClient, deployment, "ProjectRegistry"),
    deployedAt(publicClient, deployment, "KycRegistry"),
  ]);
  let wallet: AdminWalletClient | undefined;
  if (write) {
    [wallet] = await connection.viem.getWalletClients();
    if (!wallet)
      throw new Error(`No account configured for --network ${connection.networkName} (DEPLOYER_PRIVATE_KEY).`);
  }
  return { network, deployment, publicClient, wallet, projectRegistry, kycRegistry };
}

/** The book's OneKeyPaymaster (v0.7), checked to have code; only the commands that use it ask. */
export function paymasterOf(session: AdminSession): Promise<Address> {
  return deployedAt(session.publicClient, session.deployment, "OneKeyPaymaster");
}

/** The signer of a writing session. */
export function signer(session: AdminSession): AdminWalletClient {
  if (!session.wallet) throw new Error("This command was opened read-only.");
  return session.wallet;
}

/** Waits for a sent transaction and fails loudly if it reverted after all. */
export async function confirm(session: AdminSession, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await session.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`Transaction ${hash} reverted in block ${receipt.blockNumber}.`);
  return receipt;
}

/** A closing line for a sent transaction. */
export function txLine(receipt: TransactionReceipt): string {
  return `tx ${receipt.transactionHash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`;
}

/**
 * Runs the call's simulation; a would-revert call becomes one described error and nothing is sent.
 * Commands always simulate before `writeContract(request)`, and send the simulated request.
 */
export async function simulate<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`${what} would revert, so nothing was sent: ${describeContractError(error)}`);
  }
}

/**
 * A project id from `--project` (an id, or a slug looked up on-chain). With `mustExist`, an id
 * no project has is refused here, before any simulation, naming the option.
 */
export async function resolveProject(
  session: AdminSession,
  ref: { id: bigint } | { slug: string },
  { mustExist = false }: { mustExist?: boolean } = {},
): Promise<bigint> {
  if ("id" in ref) {
    if (mustExist) {
      const status = await session.publicClient.readContract({
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "projectStatus",
        args: [ref.id],
      });
      if (status === 0) throw new Error(`--project: no project has the id ${ref.id} on ${session.network}.`);
    }
    return ref.id;
  }
  const projectId = await session.publicClient.readContract({
    address: session.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "projectIdOfSlug",
    args: [ref.slug],
  });
  if (projectId === 0n) throw new Error(`--project: no project has the slug "${ref.slug}" on ${session.network}.`);
  return projectId;
}
