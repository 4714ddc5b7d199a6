/**
 * The rules that turn indexed state into answers, as the registry would give them on-chain: is a
 * subject verified, which status callers see, does a subject meet a project's policy.
 */
import type { ConsentState, ProjectInfo, SubjectState } from "./readModel.js";

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
