import { compactPersonalData, type PersonalData } from "../common/personal-data.js";
import {
  type Decision,
  type DocumentType,
  KYC_CHECKS,
  type KycCheck,
  type KycOutcome,
  ProviderError,
} from "../provider.js";
import { FINAL_REASON_CODES, type ReasonCode, reasonCodeList } from "../reason-codes.js";
import { reasonCodeOfPersonaCheck } from "./checks.js";
import type { PersonaConfig } from "./config.js";
import type { PersonaIncluded, PersonaInquiry } from "./schemas.js";

/** Government ID `id-class` (https://docs.withpersona.com/api-reference/verifications/government-id-verifications). */
const DOCUMENT_TYPES: Record<string, DocumentType> = {
  pp: "passport",
  ppc: "id_card",
  id: "id_card",
  dl: "driving_licence",
  rp: "residence_permit",
  pr: "residence_permit",
};

const PENDING_STATUSES = new Set(["created", "pending", "needs_review"]);

/**
 * Turns an inquiry with its included verifications into our result
 * (statuses: https://docs.withpersona.com/inquiries#inquiry-status).
 *
 * - approved -> approved; declined -> rejected.
 * - completed (every required verification passed) -> approved only with
 *   ONEKEY_ISSUER_PERSONA_APPROVE_ON_COMPLETED, else pending until the decision workflow decides.
 * - failed (attempts exhausted) -> needs_resubmission, unless a failed check is one a retry cannot
 *   cure (FINAL_REASON_CODES: tampering, fraud, age, country, duplicates) -> rejected.
 * - expired -> needs_resubmission (verification_expired).
 * - created, pending, needs_review -> pending. Any other status is refused as bad_response.
 *
 * Checks passed: a passed Government ID verification -> document; a passed Selfie verification
 * (its liveness check not failed) -> liveness; sanctions/pep only for an approved inquiry whose
 * template screens (ONEKEY_ISSUER_PERSONA_CHECKS). Personal data goes out for approved only.
 */
export function normalizePersonaDecision(
  inquiry: PersonaInquiry,
  config: Pick<PersonaConfig, "checks" | "approveOnCompleted">,
): Decision {
  const { id, attributes } = inquiry.data;
  const status = attributes.status;
  if (PENDING_STATUSES.has(status) || (status === "completed" && !config.approveOnCompleted)) {
    return { state: "pending" };
  }

  const verifications = (inquiry.included ?? []).filter((r) => r.type.startsWith("verification/"));
  const governmentIds = latestFirst(verifications.filter((v) => v.type === "verification/government-id"));
  const selfies = verifications.filter((v) => v.type === "verification/selfie");
  const passedId = governmentIds.find((v) => v.attributes?.status === "passed");
  const failedChecks = verifications.flatMap((v) =>
    (v.attributes?.checks ?? []).filter((c) => c.status === "failed" && c.requirement !== "not_required"),
  );
  const codes: ReasonCode[] = failedChecks.map((c) => reasonCodeOfPersonaCheck(c.name));

  let outcome: KycOutcome;
  switch (status) {
    case "approved":
    case "completed":
      outcome = "approved";
      break;
    case "declined":
      outcome = "rejected";
      break;
    case "failed":
      outcome = codes.some((c) => FINAL_REASON_CODES.has(c)) ? "rejected" : "needs_resubmission";
      break;
    case "expired":
      outcome = "needs_resubmission";
      codes.push("verification_expired");
      break;
    default:
      throw new ProviderError("persona", "bad_response", "persona: an inquiry in a status the adapter does not know");
  }

  const passed = new Set<KycCheck>();
  if (passedId) passed.add("document");
  const livenessPassed = selfies.some(
    (s) =>
      s.attributes?.status === "passed" &&
      !(s.attributes.checks ?? []).some((c) => c.name === "selfie_liveness_detection" && c.status === "failed"),
  );
  if (livenessPassed) passed.add("liveness");
  if (outcome === "approved") {
    for (const check of ["sanctions", "pep"] as const) if (config.checks.includes(check)) passed.add(check);
  }

  const document = passedId ?? governmentIds[0];
  const idClass = document?.attributes?.["id-class"] ?? undefined;
  return {
    state: "decided",
    result: {
      outcome,
      checksPassed: KYC_CHECKS.filter((c) => passed.has(c)),
      documentType: idClass ? (DOCUMENT_TYPES[idClass] ?? "other") : undefined,
      reasonCodes: outcome === "approved" ? [] : reasonCodeList(codes.length > 0 ? codes : ["other"]),
      provider: "persona",
      providerReference: id,
    },
    personalData: outcome === "approved" ? personaPersonalData(inquiry, passedId) : {},
  };
}

function latestFirst(verifications: PersonaIncluded[]): PersonaIncluded[] {
  const at = (v: PersonaIncluded) => v.attributes?.["completed-at"] ?? v.attributes?.["created-at"] ?? "";
  return [...verifications].sort((a, b) => at(b).localeCompare(at(a)));
}

function personaPersonalData(inquiry: PersonaInquiry, governmentId: PersonaIncluded | undefined): PersonalData {
  const attributes = inquiry.data.attributes;
  // Dynamic Flow inquiries also carry their values under `fields`.
  const inquiryValue = (name: keyof typeof attributes & string): string | undefined => {
    const direct = attributes[name];
    if (typeof direct === "string") return direct;
    const fieldValue = attributes.fields?.[name]?.value;
    return typeof fieldValue === "string" ? fieldValue : undefined;
  };
  const id = governmentId?.attributes;
  return compactPersonalData({
    firstName: id?.["name-first"] ?? inquiryValue("name-first"),
    middleName: id?.["name-middle"] ?? inquiryValue("name-middle"),
    lastName: id?.["name-last"] ?? inquiryValue("name-last"),
    dateOfBirth: id?.birthdate ?? inquiryValue("birthdate"),
    nationality: id?.nationality,
    documentNumber: id?.["identification-number"] ?? inquiryValue("identification-number"),
    documentCountry: id?.["country-code"],
    documentExpiry: id?.["expiration-date"],
    address: {
      street: inquiryValue("address-street-1"),
      street2: inquiryValue("address-street-2"),
      city: inquiryValue("address-city"),
      state: inquiryValue("address-subdivision"),
      postalCode: inquiryValue("address-postal-code"),
      country: inquiryValue("address-country-code"),
    },
  });
}
