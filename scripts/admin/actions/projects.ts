import { parseEventLogs } from "viem";
import { z } from "zod/v4";
import { projectRegistryAbi } from "../../../deploy/abis.js";
import { addressList, id, level, metadataUri, projectRef, slug } from "../args.js";
import { adminAction } from "../run.js";
import { type AdminSession, confirm, openSession, resolveProject, signer, simulate, txLine } from "../session.js";

// IProjectRegistry.ProjectStatus
const ACTIVE = 1;
const SUSPENDED = 2;

export const createProject = adminAction(
  z.object({ org: id(), slug: slug(), level: level(), issuers: addressList(), metadata: metadataUri() }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const wallet = signer(session);
    const settings = { requiredLevel: args.level, acceptedIssuers: args.issuers, metadataURI: args.metadata };
    const { request } = await simulate("createProject", () =>
      session.publicClient.simulateContract({
        account: wallet.account,
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "createProject",
        args: [args.org, args.slug, settings],
      }),
    );
    const receipt = await confirm(session, await wallet.writeContract(request));
    const [created] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectCreated", logs: receipt.logs });
    if (!created) throw new Error(`No ProjectCreated event in ${receipt.transactionHash}.`);
    const { projectId, orgId, slug: createdSlug, requiredLevel } = created.args;
    console.log(
      `Created project ${projectId} "${createdSlug}" in organization ${orgId} (level ${requiredLevel}); ${txLine(receipt)}`,
    );
  },
);

async function setStatus(session: AdminSession, projectId: bigint, status: number) {
  const wallet = signer(session);
  const { request } = await simulate("setProjectStatus", () =>
    session.publicClient.simulateContract({
      account: wallet.account,
      address: session.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "setProjectStatus",
      args: [projectId, status],
    }),
  );
  return confirm(session, await wallet.writeContract(request));
}

const projectOnly = z.object({ project: projectRef() });

export const suspendProject = adminAction(projectOnly, async (args, hre) => {
  const session = await openSession(hre, { write: true });
  const projectId = await resolveProject(session, args.project);
  const receipt = await setStatus(session, projectId, SUSPENDED);
  console.log(`Suspended project ${projectId}; ${txLine(receipt)}`);
});

export const reactivateProject = adminAction(projectOnly, async (args, hre) => {
  const session = await openSession(hre, { write: true });
  const projectId = await resolveProject(session, args.project);
  const receipt = await setStatus(session, projectId, ACTIVE);
  console.log(`Reactivated project ${projectId}; ${txLine(receipt)}`);
});
