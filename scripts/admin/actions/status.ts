import { entryPoint07Abi } from "viem/account-abstraction";
import { z } from "zod";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi } from "../../../deploy/abis.js";
import { PROJECT_STATUS_NAMES, RECORD_STATUS_NAMES } from "../../../deploy/constants.js";
import { account, address, id, projectRef } from "../args.js";
import { roleNamesOf } from "../roles.js";
import { adminAction } from "../run.js";
import { type AdminSession, openSession, paymasterOf, resolveProject } from "../session.js";

const projectStatusNames = PROJECT_STATUS_NAMES;
const recordStatusNames = RECORD_STATUS_NAMES;

const statusArgs = z.object({
  org: id().optional(),
  project: projectRef().optional(),
  subject: account().optional(),
  issuer: address().optional(),
  account: account().optional(),
  paymaster: z.boolean().default(false),
});
type StatusArgs = z.output<typeof statusArgs>;

function readRegistry(session: AdminSession) {
  const project = { address: session.projectRegistry, abi: projectRegistryAbi } as const;
  const kyc = { address: session.kycRegistry, abi: kycRegistryAbi } as const;
  return { project, kyc };
}

async function overview(session: AdminSession) {
  const { project, kyc } = readRegistry(session);
  const client = session.publicClient;
  const [governance, organizations, projects, projectVersion, kycVersion] = await Promise.all([
    client.readContract({ ...project, functionName: "owner" }),
    client.readContract({ ...project, functionName: "organizationCount" }),
    client.readContract({ ...project, functionName: "projectCount" }),
    client.readContract({ ...project, functionName: "version" }),
    client.readContract({ ...kyc, functionName: "version" }),
  ]);
  return {
    network: session.network,
    chainId: session.deployment.chainId,
    projectRegistry: { address: session.projectRegistry, version: projectVersion, governance },
    kycRegistry: { address: session.kycRegistry, version: kycVersion },
    organizations,
    projects,
  };
}

async function organizationInfo(session: AdminSession, orgId: bigint, who?: `0x${string}`) {
  const { project } = readRegistry(session);
  const org = await session.publicClient.readContract({ ...project, functionName: "getOrganization", args: [orgId] });
  const info: Record<string, unknown> = {
    orgId,
    owner: org.owner,
    pendingOwner: org.pendingOwner,
    metadataURI: org.metadataURI,
  };
  if (who) {
    info.account = who;
    info.isAdmin = await session.publicClient.readContract({
      ...project,
      functionName: "isOrganizationAdmin",
      args: [orgId, who],
    });
  }
  return info;
}

async function projectInfo(session: AdminSession, projectId: bigint, who?: `0x${string}`) {
  const { project } = readRegistry(session);
  const [p, suspendedByGovernance] = await Promise.all([
    session.publicClient.readContract({ ...project, functionName: "getProject", args: [projectId] }),
    session.publicClient.readContract({ ...project, functionName: "isSuspendedByGovernance", args: [projectId] }),
  ]);
  const info: Record<string, unknown> = {
    projectId,
    orgId: p.orgId,
    slug: p.slug,
    status: projectStatusNames[p.status] ?? p.status,
    // True when only governance may re-activate it (its suspension, not the organization's).
    suspendedByGovernance,
    requiredLevel: p.settings.requiredLevel,
    acceptedIssuers: p.settings.acceptedIssuers,
    metadataURI: p.settings.metadataURI,
  };
  if (who) {
    const roles = await session.publicClient.readContract({
      ...project,
      functionName: "rolesOf",
      args: [projectId, who],
    });
    info.account = who;
    info.roles = roleNamesOf(roles);
  }
  return info;
}

async function subjectInfo(session: AdminSession, subject: `0x${string}`, projectId?: bigint) {
  const { kyc } = readRegistry(session);
  const client = session.publicClient;
  const [attestation, nonce, delegate] = await Promise.all([
    client.readContract({ ...kyc, functionName: "getAttestation", args: [subject] }),
    client.readContract({ ...kyc, functionName: "nonceOf", args: [subject] }),
    client.readContract({ ...kyc, functionName: "decryptDelegateOf", args: [subject] }),
  ]);
  const info: Record<string, unknown> = {
    subject,
    attestation: { ...attestation, status: recordStatusNames[attestation.status] ?? attestation.status },
    nonce,
    decryptDelegate: delegate,
  };
  if (projectId !== undefined) {
    const [consents, meetsPolicy] = await Promise.all([
      client.readContract({ ...kyc, functionName: "hasConsent", args: [subject, projectId] }),
      client.readContract({ ...kyc, functionName: "meetsProjectPolicy", args: [subject, projectId] }),
    ]);
    info.project = { projectId, consents, meetsPolicy };
  }
  return info;
}

/** The paymaster: signer, reserve, deposit and stake; with a project, its budget, policy and spend. */
async function paymasterInfo(session: AdminSession, projectId?: bigint) {
  const paymaster = { address: await paymasterOf(session), abi: oneKeyPaymasterAbi } as const;
  const client = session.publicClient;
  const [owner, signer, pendingSigner, reserve, deposit, defaultMaxOpCost, entryPoint] = await Promise.all([
    client.readContract({ ...paymaster, functionName: "owner" }),
    client.readContract({ ...paymaster, functionName: "signer" }),
    client.readContract({ ...paymaster, functionName: "pendingSigner" }),
    client.readContract({ ...paymaster, functionName: "reserve" }),
    client.readContract({ ...paymaster, functionName: "getDeposit" }),
    client.readContract({ ...paymaster, functionName: "defaultMaxOpCost" }),
    client.readContract({ ...paymaster, functionName: "entryPoint" }),
  ]);
  const stake = await client.readContract({
    address: entryPoint,
    abi: entryPoint07Abi,
    functionName: "getDepositInfo",
    args: [paymaster.address],
  });
  const info: Record<string, unknown> = {
    address: paymaster.address,
    owner,
    signer,
    pendingSigner,
    entryPoint,
    deposit,
    reserve,
    defaultMaxOpCost,
    stake: {
      staked: stake.staked,
      stake: stake.stake,
      unstakeDelaySec: stake.unstakeDelaySec,
      withdrawTime: stake.withdrawTime,
    },
  };
  if (projectId !== undefined) {
    const [budget, policy, spend] = await Promise.all([
      client.readContract({ ...paymaster, functionName: "projectBudget", args: [projectId] }),
      client.readContract({ ...paymaster, functionName: "sponsorshipPolicy", args: [projectId] }),
      client.readContract({ ...paymaster, functionName: "projectSpend", args: [projectId] }),
    ]);
    info.project = { projectId, budget, policy, spend };
  }
  return info;
}

/**
 * Read-only: registry overview, or an organization, project, subject, issuer and/or (--paymaster)
 * the paymaster and the project's sponsorship. Prints JSON (amounts in wei).
 */
export const status = adminAction(statusArgs, async (args: StatusArgs, hre) => {
  const session = await openSession(hre, { write: false });
  const projectId = args.project ? await resolveProject(session, args.project) : undefined;
  const out: Record<string, unknown> = {};
  if (args.org !== undefined) out.organization = await organizationInfo(session, args.org, args.account);
  if (projectId !== undefined) out.project = await projectInfo(session, projectId, args.account);
  if (args.subject) out.subject = await subjectInfo(session, args.subject, projectId);
  if (args.issuer) {
    const isIssuer = await session.publicClient.readContract({
      ...readRegistry(session).kyc,
      functionName: "isIssuer",
      args: [args.issuer],
    });
    out.issuer = { issuer: args.issuer, registered: isIssuer };
  }
  if (args.paymaster) out.paymaster = await paymasterInfo(session, projectId);
  if (Object.keys(out).length === 0) Object.assign(out, await overview(session));
  console.log(JSON.stringify(out, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2));
});
