/**
 * What the API reads from the indexed tables, as plain types, and the rules that turn indexed
 * state into answers (is a subject verified, does it meet a project's policy). The drizzle
 * implementation is readModel.ts; routes depend on this interface only.
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

export interface ReadModel {
  project(projectId: bigint): Promise<ProjectInfo | undefined>;
  /** Project admin role, or owner / enabled admin of the project's organization. */
  isProjectAdmin(projectId: bigint, account: Hex): Promise<boolean>;
  projectsAdministeredBy(account: Hex): Promise<bigint[]>;
  subject(subject: Hex): Promise<SubjectState | undefined>;
  consent(projectId: bigint, subject: Hex): Promise<ConsentState | undefined>;
  /** Both of the above in one round trip (the hot status lookup). */
  subjectStatus(projectId: bigint, subject: Hex): Promise<{ subject?: SubjectState; consent?: ConsentState }>;
  attestations(subject: Hex, limit: number, before?: { issuedAt: bigint; uid: Hex }): Promise<AttestationRecord[]>;
  consents(query: ConsentPageQuery): Promise<ConsentState[]>;
  activeConsentCount(projectId: bigint): Promise<number>;
  /** Undefined when the paymaster is not indexed on this chain. */
  budget?(projectId: bigint): Promise<BudgetState | undefined>;
  sponsoredOperations?(
    projectId: bigint,
    limit: number,
    before?: { blockNumber: bigint; logIndex: number },
  ): Promise<SponsoredOperation[]>;
}

/** Active and unexpired at `nowSeconds` (what `KycRegistry.isVerified(subject, 1)` answers). */
export function isLive(state: { status: string; expiresAt: bigint | null } | undefined, nowSeconds: bigint): boolean {
  return state?.status === "active" && state.expiresAt !== null && state.expiresAt > nowSeconds;
}

/** The attestation status callers see: "expired" once an active attestation's time has passed. */
export function effectiveStatus(status: string, expiresAt: bigint | null, nowSeconds: bigint): string {
  return status === "active" && expiresAt !== null && expiresAt <= nowSeconds ? "expired" : status;
}

/** Mirrors `KycRegistry.meetsProjectPolicy` on indexed state. */
export function meetsProjectPolicy(
  project: ProjectInfo,
  subject: SubjectState | undefined,
  consent: ConsentState | undefined,
  nowSeconds: bigint,
): boolean {
  if (project.status !== "active" || !consent?.active || !subject || !isLive(subject, nowSeconds)) return false;
  if (subject.level < project.requiredLevel) return false;
  if (project.acceptedIssuers.length === 0) return true;
  return project.acceptedIssuers.some((i) => i.toLowerCase() === subject.issuer?.toLowerCase());
}
