/**
 * The attestation ledger: every attestation our issuer signed, keyed by its EIP-712 digest, with
 * the project whose verification session asked for it. The sponsorship policy sponsors an
 * `attestBySig` only when the ledger says we signed that exact attestation for the paying project.
 */
import { type AttestationRequest, attestationTypedData } from "@onekey/deploy";
import type { Kysely, Transaction } from "kysely";
import { type Address, getAddress, type Hex, hashTypedData } from "viem";
import type { IssuerDatabase } from "./types.js";

export interface SignedAttestation {
  chainId: number;
  /** The KycRegistry the attestation is for (part of the EIP-712 domain). */
  registry: Address;
  request: AttestationRequest;
  nonce: bigint;
  deadline: bigint;
  /** The issuer address that signed it. */
  issuer: Address;
  /** The project whose verification session the attestation comes from. */
  projectId: bigint;
}

export interface LedgerEntry {
  digest: Hex;
  projectId: bigint;
  subject: Address;
  issuer: Address;
}

/** KycRegistry.hashAttestation(request, nonce, deadline) on `chainId` and `registry`. */
export function attestationDigest(
  params: Pick<SignedAttestation, "chainId" | "registry" | "request" | "nonce" | "deadline">,
): Hex {
  return hashTypedData(attestationTypedData(params));
}

export interface AttestationLedger {
  /**
   * Records an attestation our issuer signed; recording the same one again changes nothing.
   * With `trx`, inside the caller's transaction (a session records its signature atomically).
   */
  record(attestation: SignedAttestation, trx?: Transaction<IssuerDatabase>): Promise<LedgerEntry>;
  /** The ledger entry for `digest`, if our issuer signed it. */
  find(digest: Hex): Promise<LedgerEntry | undefined>;
  /** Whether our issuer signed any attestation of `subject` for `projectId`. */
  hasSubjectForProject(subject: Address, projectId: bigint): Promise<boolean>;
}

const UINT64_MAX = (1n << 64n) - 1n;

export function createAttestationLedger(db: Kysely<IssuerDatabase>): AttestationLedger {
  return {
    async record(attestation, trx) {
      const executor = trx ?? db;
      if (attestation.projectId <= 0n || attestation.projectId > UINT64_MAX) {
        throw new RangeError(`projectId ${attestation.projectId} is not a uint64 project id`);
      }
      const digest = attestationDigest(attestation);
      const row = {
        digest: digest.toLowerCase(),
        project_id: attestation.projectId.toString(),
        subject: attestation.request.subject.toLowerCase(),
        issuer: attestation.issuer.toLowerCase(),
      };
      // The digest names one attestation: the first project that asked for it keeps it.
      const inserted = await executor
        .insertInto("signed_attestations")
        .values(row)
        .onConflict((oc) => oc.column("digest").doNothing())
        .returning(["digest", "project_id", "subject", "issuer"])
        .executeTakeFirst();
      const stored =
        inserted ??
        (await executor
          .selectFrom("signed_attestations")
          .select(["digest", "project_id", "subject", "issuer"])
          .where("digest", "=", digest.toLowerCase())
          .executeTakeFirst());
      if (!stored) throw new Error("attestation ledger lost a row it just wrote");
      return {
        digest: stored.digest as Hex,
        projectId: BigInt(stored.project_id),
        subject: getAddress(stored.subject),
        issuer: getAddress(stored.issuer),
      };
    },

    async find(digest) {
      const row = await db
        .selectFrom("signed_attestations")
        .select(["digest", "project_id", "subject", "issuer"])
        .where("digest", "=", digest.toLowerCase())
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        digest: row.digest as Hex,
        projectId: BigInt(row.project_id),
        subject: getAddress(row.subject),
        issuer: getAddress(row.issuer),
      };
    },

    async hasSubjectForProject(subject, projectId) {
      const row = await db
        .selectFrom("signed_attestations")
        .select("digest")
        .where("subject", "=", subject.toLowerCase())
        .where("project_id", "=", projectId.toString())
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
