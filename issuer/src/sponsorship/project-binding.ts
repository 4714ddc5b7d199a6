/**
 * A project pays only for its own users' actions. Each sponsored registry call is tied to the
 * paying project through its arguments, the chain (KycRegistry views) or the attestation ledger:
 *
 *  - grantConsent(p), revokeConsent(p): p is the paying project; the call would not revert (no
 *    consent yet / consent held); a lone grantConsent needs a subject that is verified.
 *  - attestBySig: the attestation is of the sender, and our issuer signed exactly it (same
 *    EIP-712 digest, same issuer) for the paying project (the attestation ledger).
 *  - erase, setDecryptDelegate: the sender consents to the paying project on chain, or verified
 *    through it (a ledger entry); erase also needs a record to erase. setDecryptDelegate also
 *    for a sender whose verification session of the paying project is approved: a smart account
 *    names the EOA that speaks for it before its record is sealed (the key network checks the
 *    subject or its delegate when the key is stored), which is before any attestation exists.
 */
import { kycRegistryAbi } from "@onekey/deploy";
import type { Address, PublicClient } from "viem";
import { type AttestationLedger, attestationDigest } from "../ledger/attestation-ledger.js";
import { type RegistryCall, SponsorshipRefused } from "./policy.js";

export interface BindingContext {
  client: PublicClient;
  chainId: number;
  kycRegistry: Address;
  ledger: AttestationLedger;
  /** Unix seconds. */
  now: () => number;
  /** Whether `subject` has an approved verification session of `projectId` (kyc/sessions). */
  approvedSession?: (subject: Address, projectId: bigint) => Promise<boolean>;
}

/** RecordStatus.Active and RecordStatus.Revoked: the states `erase` accepts. */
const ERASABLE_STATUSES = new Set([1, 2]);

export async function checkProjectBinding(
  calls: readonly RegistryCall[],
  sender: Address,
  projectId: bigint,
  ctx: BindingContext,
): Promise<void> {
  const read = <const F extends "hasConsent" | "isVerified" | "getRecord">(functionName: F, args: readonly unknown[]) =>
    ctx.client.readContract({
      address: ctx.kycRegistry,
      abi: kycRegistryAbi,
      functionName,
      args: args as never,
    });
  const hasConsent = (project: bigint) => read("hasConsent", [sender, project]) as Promise<boolean>;
  const attestsInThisOp = calls.some((c) => c.functionName === "attestBySig");

  const belongsToProject = async () =>
    (await hasConsent(projectId)) || (await ctx.ledger.hasSubjectForProject(sender, projectId));

  for (const call of calls) {
    switch (call.functionName) {
      case "grantConsent":
      case "revokeConsent": {
        const [project] = call.args;
        if (project !== projectId) {
          throw new SponsorshipRefused(
            "consent_for_other_project",
            `Project ${projectId} pays only for consent to itself, not to project ${project}`,
          );
        }
        const consents = await hasConsent(project);
        if (call.functionName === "grantConsent") {
          if (consents) {
            throw new SponsorshipRefused("consent_already_granted", `${sender} already consents to project ${project}`);
          }
          if (!attestsInThisOp && !((await read("isVerified", [sender, 1])) as boolean)) {
            throw new SponsorshipRefused(
              "subject_not_verified",
              `${sender} holds no live attestation; consent is sponsored with or after verification`,
            );
          }
        } else if (!consents) {
          throw new SponsorshipRefused("consent_not_granted", `${sender} does not consent to project ${project}`);
        }
        break;
      }
      case "attestBySig": {
        const [request, issuer, nonce, deadline] = call.args;
        if (request.subject !== sender) {
          throw new SponsorshipRefused(
            "attestation_for_other_subject",
            `The attestation is of ${request.subject}; a sender submits only its own attestation`,
          );
        }
        if (deadline < BigInt(ctx.now())) {
          throw new SponsorshipRefused("attestation_expired", `The attestation's deadline ${deadline} has passed`);
        }
        const digest = attestationDigest({
          chainId: ctx.chainId,
          registry: ctx.kycRegistry,
          request,
          nonce,
          deadline,
        });
        const entry = await ctx.ledger.find(digest);
        if (!entry || entry.projectId !== projectId || entry.issuer !== issuer) {
          throw new SponsorshipRefused(
            "attestation_not_from_project",
            `Project ${projectId} pays only for attestations OneKey's issuer signed in its own verification sessions`,
          );
        }
        break;
      }
      case "erase":
      case "setDecryptDelegate": {
        const approved = async () =>
          call.functionName === "setDecryptDelegate" && ((await ctx.approvedSession?.(sender, projectId)) ?? false);
        if (!(await belongsToProject()) && !(await approved())) {
          throw new SponsorshipRefused(
            "subject_not_of_project",
            `${sender} neither consents to nor verified through project ${projectId}`,
          );
        }
        if (call.functionName === "erase") {
          const record = (await read("getRecord", [sender])) as { status: number };
          if (!ERASABLE_STATUSES.has(record.status)) {
            throw new SponsorshipRefused("nothing_to_erase", `${sender} has no record to erase`);
          }
        }
        break;
      }
    }
  }
}
