/** Turns indexed rows and API rows into response bodies (decimal strings, ISO times). */
import type { z } from "@hono/zod-openapi";
import type { ApiKeyView } from "../auth/apiKeys.js";
import type {
  AttestationRecord,
  BudgetState,
  ConsentState,
  ProjectInfo,
  SponsoredOperation,
  SubjectState,
} from "../readModel.js";
import type * as S from "../schemas.js";
import { effectiveStatus, isLive, meetsProjectPolicy } from "../verification.js";

type AttestationStatus = "active" | "expired" | "revoked" | "erased";

export function iso(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

export function isoOrNull(seconds: bigint | null): string | null {
  return seconds === null ? null : iso(seconds);
}

export function nowSeconds(now: Date): bigint {
  return BigInt(Math.floor(now.getTime() / 1000));
}

export function projectBody(project: ProjectInfo, activeConsents: number): z.infer<typeof S.Project> {
  return {
    projectId: project.projectId.toString(),
    orgId: project.orgId.toString(),
    slug: project.slug,
    status: project.status as "active" | "suspended",
    requiredLevel: project.requiredLevel,
    acceptedIssuers: project.acceptedIssuers,
    metadataUri: project.metadataUri,
    createdAt: iso(project.createdAt),
    updatedAt: iso(project.updatedAt),
    activeConsents,
  };
}

export function subjectStatusBody(
  project: ProjectInfo,
  address: string,
  subject: SubjectState | undefined,
  consent: ConsentState | undefined,
  now: Date,
): z.infer<typeof S.SubjectStatus> {
  const t = nowSeconds(now);
  const hasAttestation = subject?.uid && subject.issuer && subject.issuedAt !== null && subject.expiresAt !== null;
  return {
    projectId: project.projectId.toString(),
    subject: address,
    verified: isLive(subject, t),
    meetsProjectPolicy: meetsProjectPolicy(project, subject, consent, t),
    attestation: hasAttestation
      ? {
          uid: subject.uid as string,
          issuer: subject.issuer as string,
          level: subject.level,
          status: effectiveStatus(subject.status, subject.expiresAt, t) as AttestationStatus,
          issuedAt: iso(subject.issuedAt as bigint),
          expiresAt: iso(subject.expiresAt as bigint),
        }
      : null,
    consent: {
      granted: consent?.active ?? false,
      grantedAt: consent ? iso(consent.grantedAt) : null,
      revokedAt: consent ? isoOrNull(consent.revokedAt) : null,
    },
  };
}

export function attestationBody(a: AttestationRecord, now: Date): z.infer<typeof S.Attestation> {
  return {
    uid: a.uid,
    issuer: a.issuer,
    level: a.level,
    status: effectiveStatus(a.status, a.expiresAt, nowSeconds(now)) as AttestationStatus,
    current: a.current,
    supersededBy: a.supersededBy,
    issuedAt: iso(a.issuedAt),
    expiresAt: iso(a.expiresAt),
    revokedAt: isoOrNull(a.revokedAt),
    erasedAt: isoOrNull(a.erasedAt),
    storageNetwork: a.storageNetwork,
    storageId: a.storageId,
    ciphertextHash: a.ciphertextHash,
    blockNumber: a.blockNumber.toString(),
    transactionHash: a.transactionHash,
  };
}

export function consentBody(c: ConsentState, now: Date): z.infer<typeof S.ConsentingSubject> {
  const t = nowSeconds(now);
  return {
    subject: c.subject,
    consent: c.active ? "active" : "revoked",
    grantedAt: iso(c.grantedAt),
    revokedAt: isoOrNull(c.revokedAt),
    verified: isLive({ status: c.attestationStatus, expiresAt: c.expiresAt }, t),
    level: c.level,
    attestationStatus: effectiveStatus(c.attestationStatus, c.expiresAt, t) as AttestationStatus | "none",
    expiresAt: isoOrNull(c.expiresAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function apiKeyBody(key: ApiKeyView, now: Date): z.infer<typeof S.ApiKey> {
  const revoked = key.revokedAt !== null && key.revokedAt <= now;
  const expired = key.expiresAt !== null && key.expiresAt <= now;
  return {
    id: key.id,
    projectId: key.projectId.toString(),
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    status: revoked ? "revoked" : expired ? "expired" : "active",
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    rotatedFrom: key.rotatedFrom,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

export function budgetBody(projectId: bigint, budget: BudgetState | undefined): z.infer<typeof S.Budget> {
  return {
    projectId: projectId.toString(),
    balance: (budget?.balance ?? 0n).toString(),
    totalFunded: (budget?.totalFunded ?? 0n).toString(),
    totalWithdrawn: (budget?.totalWithdrawn ?? 0n).toString(),
    totalSpent: (budget?.totalSpent ?? 0n).toString(),
    operations: budget?.operations ?? 0,
    active: budget?.active ?? false,
    policy: {
      perUserCap: (budget?.perUserCap ?? 0n).toString(),
      periodCap: (budget?.periodCap ?? 0n).toString(),
      periodSeconds: budget?.periodSeconds ?? 0,
      maxOpCost: (budget?.maxOpCost ?? 0n).toString(),
    },
    updatedAt: budget ? iso(budget.updatedAt) : null,
  };
}

export function operationBody(op: SponsoredOperation): z.infer<typeof S.SponsoredOperation> {
  return {
    userOpHash: op.userOpHash,
    sender: op.sender,
    actualCost: op.actualCost.toString(),
    success: op.success,
    actualGasUsed: op.actualGasUsed?.toString() ?? null,
    blockNumber: op.blockNumber.toString(),
    at: iso(op.blockTimestamp),
    transactionHash: op.transactionHash,
  };
}
