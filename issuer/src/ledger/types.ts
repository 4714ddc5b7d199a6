import type { ColumnType } from "kysely";

/** One attestation our issuer signed, keyed by its EIP-712 digest. No personal data. */
export interface SignedAttestationsTable {
  /** KycRegistry.hashAttestation(request, nonce, deadline), 0x-prefixed lower-case hex. */
  digest: string;
  /** The project whose verification session asked for it (uint64, as a decimal string). */
  project_id: string;
  /** The attested address (lower-case hex). */
  subject: string;
  /** The issuer address that signed it (lower-case hex). */
  issuer: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface IssuerDatabase {
  signed_attestations: SignedAttestationsTable;
}
