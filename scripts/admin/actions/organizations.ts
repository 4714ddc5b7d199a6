import { parseEventLogs, zeroAddress } from "viem";
import { z } from "zod";
import { projectRegistryAbi } from "../../../deploy/abis.js";
import { account, id, metadataUri, requiredMetadataUri } from "../args.js";
import { send } from "../calls.js";
import { adminAction } from "../run.js";
import { type AdminSession, confirm, openSession, signer, simulate, txLine } from "../session.js";

export const createOrganization = adminAction(
  z.object({ owner: account().optional(), metadata: metadataUri() }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const wallet = signer(session);
    const owner = args.owner ?? wallet.account.address;
    const { request } = await simulate("createOrganization", () =>
      session.publicClient.simulateContract({
        account: wallet.account,
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "createOrganization",
        args: [owner, args.metadata],
      }),
    );
    const receipt = await confirm(session, await wallet.writeContract(request));
    const [created] = parseEventLogs({ abi: projectRegistryAbi, eventName: "OrganizationCreated", logs: receipt.logs });
    if (!created) throw new Error(`No OrganizationCreated event in ${receipt.transactionHash}.`);
    console.log(`Created organization ${created.args.orgId} owned by ${created.args.owner}; ${txLine(receipt)}`);
  },
);

export const setOrganizationAdmin = adminAction(
  z.object({ org: id(), account: account(), disable: z.boolean().default(false) }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const wallet = signer(session);
    const enabled = !args.disable;
    const { request } = await simulate("setOrganizationAdmin", () =>
      session.publicClient.simulateContract({
        account: wallet.account,
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "setOrganizationAdmin",
        args: [args.org, args.account, enabled],
      }),
    );
    const receipt = await confirm(session, await wallet.writeContract(request));
    const verb = enabled ? "is now an admin of" : "is no longer an admin of";
    console.log(`${args.account} ${verb} organization ${args.org}; ${txLine(receipt)}`);
  },
);

/** The organization's current record, or a clear error when no organization has the id. */
async function organization(session: AdminSession, orgId: bigint) {
  const count = await session.publicClient.readContract({
    address: session.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "organizationCount",
  });
  if (orgId > count) throw new Error(`--org: no organization has the id ${orgId} on ${session.network}.`);
  return session.publicClient.readContract({
    address: session.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "getOrganization",
    args: [orgId],
  });
}

export const setOrganizationMetadata = adminAction(
  z.object({ org: id(), metadata: requiredMetadataUri() }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    await organization(session, args.org);
    const receipt = await send(session, {
      address: session.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "setOrganizationMetadata",
      args: [args.org, args.metadata],
    });
    const shown = args.metadata === "" ? "cleared" : `now ${args.metadata}`;
    console.log(`Organization ${args.org}'s metadata is ${shown}; ${txLine(receipt)}`);
  },
);

export const transferOrganizationOwnership = adminAction(
  z
    .object({ org: id(), to: account().optional(), cancel: z.boolean().default(false) })
    .refine((v) => v.cancel || v.to !== undefined, {
      path: ["to"],
      error: "is required (the new owner), unless --cancel withdraws a pending transfer instead",
    })
    .refine((v) => !(v.cancel && v.to !== undefined), {
      path: ["to"],
      error: "does not go with --cancel (which withdraws the pending transfer)",
    }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const org = await organization(session, args.org);
    if (args.cancel && org.pendingOwner === zeroAddress) {
      throw new Error(`Organization ${args.org} has no pending ownership transfer to cancel.`);
    }
    const newOwner = args.to ?? zeroAddress;
    const receipt = await send(session, {
      address: session.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "transferOrganizationOwnership",
      args: [args.org, newOwner],
    });
    if (args.cancel) {
      console.log(`Cancelled the transfer of organization ${args.org} to ${org.pendingOwner}; ${txLine(receipt)}`);
      return;
    }
    console.log(
      `Organization ${args.org} is offered to ${newOwner}; it becomes the owner once it runs onekey:accept-org-ownership --org ${args.org} with its own key; ${txLine(receipt)}`,
    );
  },
);

export const acceptOrganizationOwnership = adminAction(z.object({ org: id() }), async (args, hre) => {
  const session = await openSession(hre, { write: true });
  await organization(session, args.org);
  const receipt = await send(session, {
    address: session.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "acceptOrganizationOwnership",
    args: [args.org],
  });
  const [transferred] = parseEventLogs({
    abi: projectRegistryAbi,
    eventName: "OrganizationOwnershipTransferred",
    logs: receipt.logs,
  });
  if (!transferred) throw new Error(`No OrganizationOwnershipTransferred event in ${receipt.transactionHash}.`);
  console.log(
    `${transferred.args.newOwner} now owns organization ${args.org} (previously ${transferred.args.previousOwner}); ${txLine(receipt)}`,
  );
});
