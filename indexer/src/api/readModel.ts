/**
 * What the API reads from the indexed tables, as plain types. The implementation over Ponder's
 * tables is ponderReadModel.ts; routes depend on this interface only. The rules that turn these
 * rows into answers (verified, meets a project's policy) are in verification.ts.
 */
import type { Hex } from "viem";

export interface ProjectInfo {
  projectId: bigint;
  orgId: bigint;
  slug: string;
  status: string;
  requiredLevel: number;
  acceptedIssuers: Hex[];
  metadataUri: string;
  createdAt: bigint;
  updatedAt: bigint;
}

export interface SubjectState {
  subject: Hex;
  uid: Hex | null;
  issuer: Hex | null;
  level: number;
  status: string;
  issuedAt: bigint | null;
  expiresAt: bigint | null;
  updatedAt: bigint;
}

export interface ConsentState {
  projectId: bigint;
  subject: Hex;
  active: boolean;
  grantedAt: bigint;
  revokedAt: bigint | null;
  uid: Hex | null;
  issuer: Hex | null;
  level: number;
  attestationStatus: string;
  expiresAt: bigint | null;
  updatedAt: bigint;
}

export interface AttestationRecord {
  uid: Hex;
  subject: Hex;
  issuer: Hex;
  level: number;
  issuedAt: bigint;
  expiresAt: bigint;
  storageNetwork: number;
  storageId: Hex;
  ciphertextHash: Hex;
  status: string;
  current: boolean;
  supersededBy: Hex | null;
  revokedAt: bigint | null;
  erasedAt: bigint | null;
  blockNumber: bigint;
  transactionHash: Hex;
}

export interface BudgetState {
  projectId: bigint;
  balance: bigint;
  totalFunded: bigint;
  totalWithdrawn: bigint;
  totalSpent: bigint;
  operations: number;
  active: boolean;
  perUserCap: bigint;
  periodCap: bigint;
  periodSeconds: number;
  maxOpCost: bigint;
  updatedAt: bigint;
}

export interface SponsoredOperation {
  userOpHash: Hex;
  sender: Hex;
  actualCost: bigint;
  success: boolean | null;
  actualGasUsed: bigint | null;
  blockNumber: bigint;
  blockTimestamp: bigint;
  transactionHash: Hex;
  logIndex: number;
}

export interface ConsentPageQuery {
  projectId: bigint;
  status: "active" | "revoked" | "all";
  minLevel?: number;
  updatedSince?: bigint;
  after?: { updatedAt: bigint; subject: Hex };
  limit: number;
}

/** An account's standing on one project: its role bitmap there and its place in the project's organization. */
export interface ProjectMembership {
  project: ProjectInfo;
  /** ProjectRoles bits held (1 admin, 2 reader, 4 sponsor manager). */
  roles: number;
  /** Bits offered and not accepted yet. */
  offeredRoles: number;
  organizationRole: "owner" | "admin" | null;
}

/** One day (UTC) of a project's activity on the indexed chain. */
export interface UsageDay {
  /** Unix seconds of the day's start. */
  day: bigint;
  /** Attestations issued that day to subjects who consent to the project now. */
  verifications: number;
  /** Consents granted to the project that day (grants and re-grants). */
  consents: number;
  /** Operations the project sponsored that day, and what they cost it in wei. */
  sponsoredOperations: number;
  gasSponsoredWei: bigint;
}

/** An organization on the indexed chain: who runs it and its projects. */
export interface OrganizationInfo {
  orgId: bigint;
  owner: Hex;
  /** Enabled admins, lower case. */
  admins: Hex[];
  /** By id. */
  projectIds: bigint[];
}

/** A row of the operators' organization list. */
export interface OrganizationSummary {
  orgId: bigint;
  owner: Hex;
  metadataUri: string;
  createdAt: bigint;
  /** By id. */
  projectIds: bigint[];
}

export interface ReadModel {
  project(projectId: bigint): Promise<ProjectInfo | undefined>;
  organization(orgId: bigint): Promise<OrganizationInfo | undefined>;
  /** Project admin role, or owner / enabled admin of the project's organization. */
  isProjectAdmin(projectId: bigint, account: Hex): Promise<boolean>;
  projectsAdministeredBy(account: Hex): Promise<bigint[]>;
  /** The account's ProjectRoles bits on the project (0 without any). */
  rolesOn(projectId: bigint, account: Hex): Promise<number>;
  /** Per-day counts for the project's usage charts, from `since` (Unix seconds, a day's start). */
  usage(projectId: bigint, since: bigint): Promise<UsageDay[]>;
  /** Every project where the account holds or is offered a role, or owns / administers the organization; by project id. */
  projectsOf(account: Hex): Promise<ProjectMembership[]>;
  subject(subject: Hex): Promise<SubjectState | undefined>;
  consent(projectId: bigint, subject: Hex): Promise<ConsentState | undefined>;
  /** Both of the above in one round trip (the hot status lookup). */
  subjectStatus(projectId: bigint, subject: Hex): Promise<{ subject?: SubjectState; consent?: ConsentState }>;
  attestations(subject: Hex, limit: number, before?: { issuedAt: bigint; uid: Hex }): Promise<AttestationRecord[]>;
  consents(query: ConsentPageQuery): Promise<ConsentState[]>;
  /** One subject's consents on every project, by project id (operators' data-subject requests). */
  subjectConsents(subject: Hex, limit: number, afterProjectId?: bigint): Promise<ConsentState[]>;
  /** Organizations by id with their projects (operators' oversight). */
  organizations(limit: number, afterOrgId?: bigint): Promise<OrganizationSummary[]>;
  activeConsentCount(projectId: bigint): Promise<number>;
  /** Undefined when the paymaster is not indexed on this chain. */
  budget?(projectId: bigint): Promise<BudgetState | undefined>;
  sponsoredOperations?(
    projectId: bigint,
    limit: number,
    before?: { blockNumber: bigint; logIndex: number },
  ): Promise<SponsoredOperation[]>;
}
