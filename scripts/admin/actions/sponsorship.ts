/**
 * A project's sponsorship budget in the OneKey paymaster: fund it (anyone), withdraw it and set
 * its spending policy (the project's sponsor managers).
 */
import { formatEther, parseEventLogs } from "viem";
import { z } from "zod";
import { oneKeyPaymasterAbi } from "../../../deploy/abis.js";
import { account, budgetAmount, cap, duration, projectRef, whenOptionsValid } from "../args.js";
import { send } from "../calls.js";
import { adminAction } from "../run.js";
import { type AdminSession, openSession, paymasterOf, resolveProject, signer, txLine } from "../session.js";

/** Wei as people read it. */
function ether(wei: bigint): string {
  return `${formatEther(wei)} ETH`;
}

async function projectAndPaymaster(session: AdminSession, ref: { id: bigint } | { slug: string }) {
  const projectId = await resolveProject(session, ref, { mustExist: true });
  return { projectId, paymaster: await paymasterOf(session) };
}

export const fundProject = adminAction(
  z.object({ project: projectRef(), amount: budgetAmount() }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const { projectId, paymaster } = await projectAndPaymaster(session, args.project);
    const receipt = await send(session, {
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "fundProject",
      args: [projectId],
      value: args.amount,
    });
    const [funded] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "ProjectFunded", logs: receipt.logs });
    if (!funded) throw new Error(`No ProjectFunded event in ${receipt.transactionHash}.`);
    console.log(
      `Funded project ${projectId} with ${ether(funded.args.amount)}; its budget is now ${ether(funded.args.balance)}; ${txLine(receipt)}`,
    );
  },
);

export const withdrawBudget = adminAction(
  z.object({ project: projectRef(), amount: budgetAmount(), to: account().optional() }),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const { projectId, paymaster } = await projectAndPaymaster(session, args.project);
    const to = args.to ?? signer(session).account.address;
    const receipt = await send(session, {
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "withdrawBudget",
      args: [projectId, to, args.amount],
    });
    const [withdrawn] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "BudgetWithdrawn", logs: receipt.logs });
    if (!withdrawn) throw new Error(`No BudgetWithdrawn event in ${receipt.transactionHash}.`);
    console.log(
      `Withdrew ${ether(withdrawn.args.amount)} of project ${projectId}'s budget to ${withdrawn.args.to}; ${ether(withdrawn.args.balance)} remains; ${txLine(receipt)}`,
    );
  },
);

const cappedOrNone = (wei: bigint) => (wei === 0n ? "none" : ether(wei));

export const setSponsorshipPolicy = adminAction(
  z
    .object({
      project: projectRef(),
      perUserCap: cap().optional(),
      periodCap: cap().optional(),
      period: duration().optional(),
      maxOpCost: cap().optional(),
    })
    .refine(
      (v) =>
        v.perUserCap !== undefined || v.periodCap !== undefined || v.period !== undefined || v.maxOpCost !== undefined,
      {
        ...whenOptionsValid,
        error: "nothing to change: give --per-user-cap, --period-cap, --period and/or --max-op-cost",
      },
    ),
  async (args, hre) => {
    const session = await openSession(hre, { write: true });
    const { projectId, paymaster } = await projectAndPaymaster(session, args.project);
    // The contract replaces the whole policy: options left out keep their current value.
    const current = await session.publicClient.readContract({
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "sponsorshipPolicy",
      args: [projectId],
    });
    const policy = {
      perUserCap: args.perUserCap ?? current.perUserCap,
      periodCap: args.periodCap ?? current.periodCap,
      periodSeconds: args.period ?? current.periodSeconds,
      maxOpCost: args.maxOpCost ?? current.maxOpCost,
    };
    const receipt = await send(session, {
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "setSponsorshipPolicy",
      args: [projectId, policy],
    });
    const [set] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "SponsorshipPolicySet", logs: receipt.logs });
    if (!set) throw new Error(`No SponsorshipPolicySet event in ${receipt.transactionHash}.`);
    const { perUserCap, periodCap, periodSeconds, maxOpCost } = set.args;
    const period = periodSeconds === 0 ? "lifetime (no period)" : `${periodSeconds} s`;
    const perOp = maxOpCost === 0n ? "the paymaster's default" : ether(maxOpCost);
    console.log(
      `Project ${projectId} sponsorship policy: per-user cap ${cappedOrNone(perUserCap)}, project cap ${cappedOrNone(periodCap)}, period ${period}, max cost per operation ${perOp}; ${txLine(receipt)}`,
    );
  },
);
