import { parseEventLogs } from "viem";
import { z } from "zod/v4";
import { projectRegistryAbi } from "../../../deploy/abis.js";
import { account, id, metadataUri } from "../args.js";
import { adminAction } from "../run.js";
import { confirm, openSession, signer, simulate, txLine } from "../session.js";

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
