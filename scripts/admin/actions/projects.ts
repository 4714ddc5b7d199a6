import { parseEventLogs } from "viem";
import { z } from "zod";
import { oneKeyPaymasterAbi, projectRegistryAbi } from "../../../deploy/abis.js";
import {
  addressList,
  governanceArgs,
  id,
  issuersChange,
  level,
  metadataUri,
  optionalMetadataUri,
  projectRef,
  slug,
  whenOptionsValid,
} from "../args.js";
import { proposing, send, sendOrPropose } from "../calls.js";
import { adminAction } from "../run.js";
import { confirm, openSession, paymasterOf, resolveProject, signer, simulate, txLine } from "../session.js";

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

/**
 * Suspends or reactivates: an organization's owner or admins send it; governance (a Safe) may
 * with --safe print it as a batch instead (its suspension is held: only governance lifts it).
 */
function changeStatus(status: typeof ACTIVE | typeof SUSPENDED) {
  return adminAction(governanceArgs({ project: projectRef() }), async (args, hre) => {
    const session = await openSession(hre, { write: !proposing(args) });
    const projectId = await resolveProject(session, args.project);
    const verb = status === SUSPENDED ? "Suspend" : "Reactivate";
    const receipt = await sendOrPropose(
      session,
      args,
      {
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "setProjectStatus",
        args: [projectId, status],
      },
      `${verb} OneKey project ${projectId}.`,
    );
    if (!receipt) return;
    console.log(`${verb}d project ${projectId}; ${txLine(receipt)}`);
  });
}

export const suspendProject = changeStatus(SUSPENDED);
export const reactivateProject = changeStatus(ACTIVE);

const projectOnly = z.object({ project: projectRef() });

export const updateProjectSettings = adminAction(
  z
    .object({
      project: projectRef(),
      level: level().optional(),
      issuers: issuersChange(),
      metadata: optionalMetadataUri(),
    })
    .refine((v) => v.level !== undefined || v.issuers !== undefined || v.metadata !== undefined, {
      ...whenOptionsValid,
      error: "nothing to change: give --level, --issuers (addresses or any) and/or --metadata",
    }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const projectId = await resolveProject(session, args.project, { mustExist: true });
    // The contract replaces the whole settings struct: options left out keep their current value.
    const { settings: current } = await session.publicClient.readContract({
      address: session.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "getProject",
      args: [projectId],
    });
    const settings = {
      requiredLevel: args.level ?? current.requiredLevel,
      acceptedIssuers: args.issuers ?? [...current.acceptedIssuers],
      metadataURI: args.metadata ?? current.metadataURI,
    };
    const receipt = await send(session, {
      address: session.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "updateProjectSettings",
      args: [projectId, settings],
    });
    const [updated] = parseEventLogs({
      abi: projectRegistryAbi,
      eventName: "ProjectSettingsUpdated",
      logs: receipt.logs,
    });
    if (!updated) throw new Error(`No ProjectSettingsUpdated event in ${receipt.transactionHash}.`);
    const issuers =
      updated.args.acceptedIssuers.length === 0 ? "any registered" : updated.args.acceptedIssuers.join(", ");
    const metadata = updated.args.metadataURI === "" ? "none" : updated.args.metadataURI;
    console.log(
      `Project ${projectId} settings: level ${updated.args.requiredLevel}, issuers ${issuers}, metadata ${metadata}; ${txLine(receipt)}`,
    );
  },
);

/**
 * Copies the registry's status of a project into the paymaster's mirror (what sponsorship
 * validation reads). Anyone may call it; run it after suspending or reactivating a project.
 */
export const syncProjectStatus = adminAction(projectOnly, async (args, hre) => {
  const session = await openSession(hre, { write: true });
  const projectId = await resolveProject(session, args.project, { mustExist: true });
  const paymaster = await paymasterOf(session);
  const budget = () =>
    session.publicClient.readContract({
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "projectBudget",
      args: [projectId],
    });
  const before = await budget();
  const receipt = await send(session, {
    address: paymaster,
    abi: oneKeyPaymasterAbi,
    functionName: "syncProjectStatus",
    args: [projectId],
  });
  const after = await budget();
  const word = (active: boolean) => (active ? "active" : "inactive");
  const change = before.active === after.active ? `stays ${word(after.active)}` : `is now ${word(after.active)}`;
  console.log(`Project ${projectId} ${change} in the paymaster (sponsorship); ${txLine(receipt)}`);
});
