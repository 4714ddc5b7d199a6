/**
 * What the chain screens read: organizations, projects, the signed-in account's place in them,
 * and sponsorship budgets, straight from ProjectRegistry and OneKeyPaymaster (the chain is the
 * source of roles; nothing here trusts an index). Lists of "my organizations" and "projects of an
 * organization" come from the registry's indexed events, each entry then read back for its
 * current state.
 */
import { oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import { type Address, type Hash, type PublicClient, parseAbiItem, zeroAddress } from "viem";

export interface ChainAddresses {
  projectRegistry: Address;
  paymaster: Address;
  /** The first block worth reading the registry's and paymaster's logs from. */
  fromBlock: bigint;
}

export interface Organization {
  orgId: bigint;
  owner: Address;
  pendingOwner: Address | undefined;
  metadataURI: string;
  accountIsAdmin: boolean;
  accountIsOwner: boolean;
}

export interface Project {
  projectId: bigint;
  orgId: bigint;
  slug: string;
  status: number;
  requiredLevel: number;
  acceptedIssuers: Address[];
  metadataURI: string;
  suspendedByGovernance: boolean;
  roles: number;
  offered: number;
  accountIsOrgAdmin: boolean;
}

export interface Budget {
  balance: bigint;
  active: boolean;
  capped: boolean;
  maxOpCost: bigint;
  defaultMaxOpCost: bigint;
  policy: { perUserCap: bigint; periodCap: bigint; periodSeconds: number; maxOpCost: bigint };
  spend: { period: bigint; spent: bigint };
}

export interface SponsoredOperation {
  userOpHash: Hash;
  sender: Address;
  actualCost: bigint;
  blockNumber: bigint;
  transactionHash: Hash;
}

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

export class ChainReads {
  constructor(
    private readonly reader: PublicClient,
    private readonly at: ChainAddresses,
  ) {}

  private registry<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return this.reader.readContract({
      address: this.at.projectRegistry,
      abi: projectRegistryAbi,
      functionName,
      args,
    } as Parameters<PublicClient["readContract"]>[0]) as Promise<T>;
  }

  private paymaster<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return this.reader.readContract({
      address: this.at.paymaster,
      abi: oneKeyPaymasterAbi,
      functionName,
      args,
    } as Parameters<PublicClient["readContract"]>[0]) as Promise<T>;
  }

  projectIdOfSlug(slug: string): Promise<bigint> {
    return this.registry<bigint>("projectIdOfSlug", [slug]);
  }

  async organization(orgId: bigint, account: Address): Promise<Organization> {
    const [org, accountIsAdmin] = await Promise.all([
      this.registry<{ owner: Address; pendingOwner: Address; metadataURI: string }>("getOrganization", [orgId]),
      this.registry<boolean>("isOrganizationAdmin", [orgId, account]),
    ]);
    return {
      orgId,
      owner: org.owner,
      pendingOwner: org.pendingOwner === zeroAddress ? undefined : org.pendingOwner,
      metadataURI: org.metadataURI,
      accountIsAdmin,
      accountIsOwner: same(org.owner, account),
    };
  }

  /**
   * Organizations the account owns, administers or was named the pending owner of: every
   * organization an event ever tied to it, read back now (a past admin that was disabled drops out).
   */
  async organizationsOf(account: Address): Promise<Organization[]> {
    const range = { address: this.at.projectRegistry, fromBlock: this.at.fromBlock, toBlock: "latest" as const };
    const [created, admins, transferred, started] = await Promise.all([
      this.reader.getLogs({
        ...range,
        event: parseAbiItem(
          "event OrganizationCreated(uint64 indexed orgId, address indexed owner, string metadataURI)",
        ),
        args: { owner: account },
      }),
      this.reader.getLogs({
        ...range,
        event: parseAbiItem("event OrganizationAdminSet(uint64 indexed orgId, address indexed account, bool enabled)"),
        args: { account },
      }),
      this.reader.getLogs({
        ...range,
        event: parseAbiItem(
          "event OrganizationOwnershipTransferred(uint64 indexed orgId, address indexed previousOwner, address indexed newOwner)",
        ),
        args: { newOwner: account },
      }),
      this.reader.getLogs({
        ...range,
        event: parseAbiItem(
          "event OrganizationOwnershipTransferStarted(uint64 indexed orgId, address indexed owner, address indexed pendingOwner)",
        ),
        args: { pendingOwner: account },
      }),
    ]);
    const ids = [
      ...new Set(
        [...created, ...admins, ...transferred, ...started]
          .map((log) => log.args.orgId)
          .filter((id): id is bigint => id !== undefined),
      ),
    ].sort((a, b) => (a < b ? -1 : 1));
    const orgs = await Promise.all(ids.map((id) => this.organization(id, account)));
    return orgs.filter((o) => o.accountIsAdmin || (o.pendingOwner && same(o.pendingOwner, account)));
  }

  /** The organization's enabled admins (from OrganizationAdminSet, latest per account). */
  async adminsOf(orgId: bigint): Promise<Address[]> {
    const logs = await this.reader.getLogs({
      address: this.at.projectRegistry,
      fromBlock: this.at.fromBlock,
      toBlock: "latest",
      event: parseAbiItem("event OrganizationAdminSet(uint64 indexed orgId, address indexed account, bool enabled)"),
      args: { orgId },
    });
    const latest = new Map<string, { account: Address; enabled: boolean }>();
    for (const log of logs) {
      if (!log.args.account) continue;
      latest.set(log.args.account.toLowerCase(), { account: log.args.account, enabled: Boolean(log.args.enabled) });
    }
    return [...latest.values()].filter((a) => a.enabled).map((a) => a.account);
  }

  async project(projectId: bigint, account: Address): Promise<Project> {
    const p = await this.registry<{
      orgId: bigint;
      status: number;
      slug: string;
      settings: { requiredLevel: number; acceptedIssuers: readonly Address[]; metadataURI: string };
    }>("getProject", [projectId]);
    const [suspendedByGovernance, roles, offered, accountIsOrgAdmin] = await Promise.all([
      this.registry<boolean>("isSuspendedByGovernance", [projectId]),
      this.registry<number>("rolesOf", [projectId, account]),
      this.registry<number>("offeredRolesOf", [projectId, account]),
      this.registry<boolean>("isOrganizationAdmin", [p.orgId, account]),
    ]);
    return {
      projectId,
      orgId: p.orgId,
      slug: p.slug,
      status: p.status,
      requiredLevel: p.settings.requiredLevel,
      acceptedIssuers: [...p.settings.acceptedIssuers],
      metadataURI: p.settings.metadataURI,
      suspendedByGovernance,
      roles,
      offered,
      accountIsOrgAdmin,
    };
  }

  /** The ids of the organization's projects (ProjectCreated, oldest first). */
  async projectIdsOf(orgId: bigint): Promise<bigint[]> {
    const logs = await this.reader.getLogs({
      address: this.at.projectRegistry,
      fromBlock: this.at.fromBlock,
      toBlock: "latest",
      event: parseAbiItem(
        "event ProjectCreated(uint64 indexed projectId, uint64 indexed orgId, string slug, uint8 status, uint8 requiredLevel, address[] acceptedIssuers, string metadataURI)",
      ),
      args: { orgId },
    });
    return logs.map((log) => log.args.projectId).filter((id): id is bigint => id !== undefined);
  }

  /** Projects on which the account was ever granted or offered a role (read back by the caller). */
  async projectIdsOfMember(account: Address): Promise<bigint[]> {
    const range = { address: this.at.projectRegistry, fromBlock: this.at.fromBlock, toBlock: "latest" as const };
    const [changed, offered] = await Promise.all([
      this.reader.getLogs({
        ...range,
        event: parseAbiItem(
          "event ProjectRolesChanged(uint64 indexed projectId, address indexed account, uint8 role, bool granted, uint8 roles)",
        ),
        args: { account },
      }),
      this.reader.getLogs({
        ...range,
        event: parseAbiItem("event ProjectRoleOffered(uint64 indexed projectId, address indexed account, uint8 role)"),
        args: { account },
      }),
    ]);
    return [...new Set([...changed, ...offered].map((log) => log.args.projectId))].filter(
      (id): id is bigint => id !== undefined,
    );
  }

  /**
   * Accounts that hold or were offered a role on the project, with their live roles and offers
   * now (an account whose roles were all revoked drops out).
   */
  async members(projectId: bigint): Promise<{ account: Address; roles: number; offered: number }[]> {
    const range = { address: this.at.projectRegistry, fromBlock: this.at.fromBlock, toBlock: "latest" as const };
    const [changed, offered] = await Promise.all([
      this.reader.getLogs({
        ...range,
        event: parseAbiItem(
          "event ProjectRolesChanged(uint64 indexed projectId, address indexed account, uint8 role, bool granted, uint8 roles)",
        ),
        args: { projectId },
      }),
      this.reader.getLogs({
        ...range,
        event: parseAbiItem("event ProjectRoleOffered(uint64 indexed projectId, address indexed account, uint8 role)"),
        args: { projectId },
      }),
    ]);
    const accounts = new Map<string, Address>();
    for (const log of [...changed, ...offered]) {
      if (log.args.account) accounts.set(log.args.account.toLowerCase(), log.args.account);
    }
    const rows = await Promise.all(
      [...accounts.values()].map(async (account) => ({
        account,
        roles: await this.registry<number>("rolesOf", [projectId, account]),
        offered: await this.registry<number>("offeredRolesOf", [projectId, account]),
      })),
    );
    return rows.filter((r) => r.roles !== 0 || r.offered !== 0);
  }

  async budget(projectId: bigint): Promise<Budget> {
    const [b, policy, spend, defaultMaxOpCost] = await Promise.all([
      this.paymaster<{ balance: bigint; active: boolean; capped: boolean; maxOpCost: bigint }>("projectBudget", [
        projectId,
      ]),
      this.paymaster<{ perUserCap: bigint; periodCap: bigint; periodSeconds: number; maxOpCost: bigint }>(
        "sponsorshipPolicy",
        [projectId],
      ),
      this.paymaster<{ period: bigint; spent: bigint }>("projectSpend", [projectId]),
      this.paymaster<bigint>("defaultMaxOpCost", []),
    ]);
    return {
      balance: b.balance,
      active: b.active,
      capped: b.capped,
      maxOpCost: b.maxOpCost,
      defaultMaxOpCost,
      policy: {
        perUserCap: policy.perUserCap,
        periodCap: policy.periodCap,
        periodSeconds: Number(policy.periodSeconds),
        maxOpCost: policy.maxOpCost,
      },
      spend: { period: spend.period, spent: spend.spent },
    };
  }

  /** The project's sponsored operations, newest first (OperationSponsored logs), at most `limit`. */
  async sponsoredOperations(projectId: bigint, limit = 20): Promise<SponsoredOperation[]> {
    const logs = await this.reader.getLogs({
      address: this.at.paymaster,
      fromBlock: this.at.fromBlock,
      toBlock: "latest",
      event: parseAbiItem(
        "event OperationSponsored(uint64 indexed projectId, address indexed sender, bytes32 userOpHash, uint256 actualCost)",
      ),
      args: { projectId },
    });
    return logs
      .slice(-limit)
      .reverse()
      .map((log) => ({
        userOpHash: log.args.userOpHash as Hash,
        sender: log.args.sender as Address,
        actualCost: log.args.actualCost as bigint,
        blockNumber: log.blockNumber,
        transactionHash: log.transactionHash,
      }));
  }
}
