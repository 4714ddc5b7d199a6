/**
 * The issuer's migrations, in order. Never rename or edit a released migration: add the next one.
 * A run of pending steps is one transaction (src/ledger/migrator.ts).
 */
import type { Migration } from "kysely/migration";
import * as attestationLedger from "./0001_attestation_ledger.js";
import * as kycSessions from "./0002_kyc_sessions.js";
import * as sessionOrg from "./0003_session_org.js";
import * as sponsorshipRefusals from "./0004_sponsorship_refusals.js";
import * as recordBytes from "./0005_record_bytes.js";
import * as providerStates from "./0006_provider_states.js";

export const migrations: Record<string, Migration> = {
  "0001_attestation_ledger": attestationLedger,
  "0002_kyc_sessions": kycSessions,
  "0003_session_org": sessionOrg,
  "0004_sponsorship_refusals": sponsorshipRefusals,
  "0005_record_bytes": recordBytes,
  "0006_provider_states": providerStates,
};
