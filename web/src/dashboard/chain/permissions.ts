/**
 * Who may do what, read from the contracts' own checks so the screens grey out exactly what the
 * chain would refuse, with the reason:
 *
 * - ProjectRegistry: `_requireOrgOwner` (transfer ownership, set admins), `_requireOrgAdmin`
 *   (metadata, create project: owner or admin), pending owner (accept), `_requireProjectAdmin`
 *   (settings, grant and revoke roles: the project's ADMIN role, or owner or admin of its
 *   organization), `setProjectStatus` (owner or admin of the organization, and never while
 *   governance holds the suspension), `acceptRole` / `renounceRole` (the caller's own offers and
 *   roles).
 * - OneKeyPaymaster: `_requireSponsorManager` (withdraw, policy: the SPONSOR_MANAGER role itself;
 *   being an org admin is not enough), `fundProject` (anyone, for a project that exists).
 *
 * The chain stays the judge: every action is simulated before it is sent, so a state that
 * changed since these facts were read still shows the contract's own refusal.
 */
import { PROJECT_ROLES } from "@onekey/deploy";
import type { Address } from "viem";
import { shortAddress } from "../../ui/format.js";

export type Gate = { allowed: true } | { allowed: false; reason: string };

const yes: Gate = { allowed: true };
const no = (reason: string): Gate => ({ allowed: false, reason });

const same = (a: Address | undefined, b: Address | undefined) => Boolean(a && b && a.toLowerCase() === b.toLowerCase());

/** Whether the connected wallet can send this account's transactions at all. */
export interface WalletFacts {
  /** The signed-in account (the dashboard session's address). */
  account: Address;
  /** The account the connected wallet sends from, if one is connected. */
  connected?: Address;
  /** Why this wallet cannot send ordinary transactions (e.g. a sponsored-only wallet). */
  cannotSend?: string;
}

export function walletGate(w: WalletFacts): Gate {
  if (!w.connected) return no("Connect the wallet you signed in with to send transactions.");
  if (!same(w.account, w.connected)) {
    return no(
      `The connected wallet is ${shortAddress(w.connected)}, but you signed in as ${shortAddress(w.account)}: switch back or sign in again.`,
    );
  }
  if (w.cannotSend) return no(w.cannotSend);
  return yes;
}

export interface OrganizationFacts {
  orgId: bigint;
  owner: Address;
  pendingOwner: Address | undefined;
  /** `isOrganizationAdmin(orgId, account)`: the owner or an enabled admin. */
  accountIsAdmin: boolean;
}

export type OrganizationAction = "metadata" | "transfer" | "cancelTransfer" | "accept" | "setAdmin" | "createProject";

export function organizationGate(action: OrganizationAction, account: Address, org: OrganizationFacts): Gate {
  const isOwner = same(account, org.owner);
  switch (action) {
    case "metadata":
    case "createProject":
      return org.accountIsAdmin
        ? yes
        : no(`Only the owner or an admin of organization ${org.orgId} may do this; you are neither.`);
    case "transfer":
    case "setAdmin":
      return isOwner
        ? yes
        : no(`Only the owner of organization ${org.orgId} (${shortAddress(org.owner)}) may do this.`);
    case "cancelTransfer":
      if (!isOwner) return no(`Only the owner of organization ${org.orgId} may cancel the transfer.`);
      return org.pendingOwner ? yes : no("No transfer is pending.");
    case "accept":
      if (!org.pendingOwner) return no("No transfer is pending: the owner must name the new owner first.");
      return same(account, org.pendingOwner)
        ? yes
        : no(`Only the named new owner (${shortAddress(org.pendingOwner)}) may accept.`);
  }
}

export interface ProjectFacts {
  projectId: bigint;
  orgId: bigint;
  /** 1 active, 2 suspended (PROJECT_STATUS_NAMES). */
  status: number;
  suspendedByGovernance: boolean;
  /** The account's live role bitmap on the project (`rolesOf`). */
  roles: number;
  /** The roles offered to the account and not yet accepted (`offeredRolesOf`). */
  offered: number;
  /** `isOrganizationAdmin(project.orgId, account)`. */
  accountIsOrgAdmin: boolean;
}

export type ProjectAction =
  | "settings"
  | "status"
  | "grantRole"
  | "revokeRole"
  | "acceptReader"
  | "renounceRole"
  | "fund"
  | "withdraw"
  | "policy";

export function hasRole(roles: number, role: number): boolean {
  return (roles & role) === role;
}

export function projectGate(action: ProjectAction, p: ProjectFacts, role?: number): Gate {
  const projectAdmin = p.accountIsOrgAdmin || hasRole(p.roles, PROJECT_ROLES.ADMIN);
  switch (action) {
    case "settings":
    case "grantRole":
    case "revokeRole":
      return projectAdmin
        ? yes
        : no(
            `Only an admin of project ${p.projectId}, or the owner or an admin of its organization, may do this; you are none of these.`,
          );
    case "status":
      if (!p.accountIsOrgAdmin)
        return no(`Only the owner or an admin of organization ${p.orgId} may suspend or re-activate its projects.`);
      if (p.suspendedByGovernance)
        return no("Protocol governance suspended this project: only governance can change its status.");
      return yes;
    case "acceptReader":
      return hasRole(p.offered, PROJECT_ROLES.READER) ? yes : no("No reader role is offered to you on this project.");
    case "renounceRole":
      if (role === undefined) return no("Choose a role.");
      return hasRole(p.roles | p.offered, role) ? yes : no("You neither hold nor were offered this role.");
    case "fund":
      return yes;
    case "withdraw":
    case "policy":
      return hasRole(p.roles, PROJECT_ROLES.SPONSOR_MANAGER)
        ? yes
        : no(
            projectAdmin
              ? "Only the project's sponsor managers may do this. As an admin you can grant yourself the sponsor manager role under Projects › Roles."
              : "Only the project's sponsor managers may do this.",
          );
  }
}

/** Both gates: the wallet's first (nothing can be sent without it), then the role's. */
export function combine(...gates: Gate[]): Gate {
  return gates.find((g) => !g.allowed) ?? yes;
}

export const ROLE_CHOICES = [
  { role: PROJECT_ROLES.ADMIN, name: "Admin", what: "manages the project's settings and roles" },
  {
    role: PROJECT_ROLES.READER,
    name: "Reader",
    what: "decrypts consenting users' records (offered: the account accepts it)",
  },
  { role: PROJECT_ROLES.SPONSOR_MANAGER, name: "Sponsor manager", what: "sets the sponsorship policy and withdraws" },
] as const;

export function roleNames(bitmap: number): string[] {
  return ROLE_CHOICES.filter((c) => hasRole(bitmap, c.role)).map((c) => c.name);
}
