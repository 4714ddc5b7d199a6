import { parseEventLogs } from "viem";
import { z } from "zod";
import { projectRegistryAbi } from "../../../deploy/abis.js";
import { account, projectRef, role } from "../args.js";
import { roleNamesOf } from "../roles.js";
import { adminAction } from "../run.js";
import { confirm, openSession, resolveProject, signer, simulate, txLine } from "../session.js";

const roleArgs = z.object({ project: projectRef(), account: account(), role: role() });

function changeRole(functionName: "grantRole" | "revokeRole") {
  return adminAction(roleArgs, async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const wallet = signer(session);
    const projectId = await resolveProject(session, args.project);
    const { request } = await simulate(functionName, () =>
      session.publicClient.simulateContract({
        account: wallet.account,
        address: session.projectRegistry,
        abi: projectRegistryAbi,
        functionName,
        args: [projectId, args.account, args.role.bit],
      }),
    );
    const receipt = await confirm(session, await wallet.writeContract(request));
    // A reader role for another account is only offered: the account accepts it with its own key.
    const [offered] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectRoleOffered", logs: receipt.logs });
    if (offered) {
      console.log(
        `Offered ${args.role.name} on project ${projectId} to ${args.account}; it holds the role once it calls acceptRole(${projectId}, ${args.role.bit}); ${txLine(receipt)}`,
      );
      return;
    }
    const [changed] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectRolesChanged", logs: receipt.logs });
    if (!changed) throw new Error(`No ProjectRolesChanged event in ${receipt.transactionHash}.`);
    const verb = functionName === "grantRole" ? "Granted" : "Revoked";
    const now = roleNamesOf(changed.args.roles).join(", ") || "none";
    console.log(
      `${verb} ${args.role.name} on project ${projectId} for ${args.account} (roles now: ${now}); ${txLine(receipt)}`,
    );
  });
}

export const grantRole = changeRole("grantRole");
export const revokeRole = changeRole("revokeRole");
