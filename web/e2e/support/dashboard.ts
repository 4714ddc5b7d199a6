/** What the dashboard's e2e test and benchmark do on the chain: the organization's owner grants a project role. */
import { contractOf, type Deployment, projectRegistryAbi } from "@onekey/deploy";
import { type Address, createPublicClient, createWalletClient, http } from "viem";
import { hardhat } from "viem/chains";
import type { StackInfo } from "./stack.js";
import { Tenant } from "./tenant.js";

/** The demo organization's owner grants `role` (PROJECT_ROLES) on `projectId` to `account`, and waits for the receipt. */
export async function grantProjectRole(info: StackInfo, projectId: bigint, account: Address, role: number) {
  const tenant = new Tenant(info);
  const book: Deployment = tenant.book();
  const owner = createWalletClient({ account: tenant.owner, chain: hardhat, transport: http(info.rpcUrl) });
  const reader = createPublicClient({ chain: hardhat, transport: http(info.rpcUrl), pollingInterval: 50 });
  const hash = await owner.writeContract({
    address: contractOf(book, "ProjectRegistry").address,
    abi: projectRegistryAbi,
    functionName: "grantRole",
    args: [projectId, account, role],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`grantRole ${hash} reverted`);
}
