import { compactPersonalData, type PersonalData } from "../common/personal-data.js";
import {
  type Decision,
  type DocumentType,
  KYC_CHECKS,
  type KycCheck,
  type KycOutcome,
  ProviderError,
} from "../provider.js";
import { type ReasonCode, reasonCodeList } from "../reason-codes.js";
import type { SumsubConfig } from "./config.js";
import { reasonCodeOfSumsubLabel } from "./reject-labels.js";
import type { SumsubApplicant, SumsubStepsStatus } from "./schemas.js";

/** Sumsub `idDocType` (https://docs.sumsub.com/reference/add-id-documents#supported-document-types). */
const DOCUMENT_TYPES: Record<string, DocumentType> = {
  PASSPORT: "passport",
  ID_CARD: "id_card",
  DRIVERS: "driving_licence",
  RESIDENCE_PERMIT: "residence_permit",
};

/**
 * Turns an applicant (GET .../one) and its steps (GET .../requiredIdDocsStatus) into our result.
 *
 * - Only `review.reviewStatus: "completed"` is a decision; every other status (init, pending,
 *   queued, onHold, awaiting...) is pending.
 * - GREEN is approved; RED with `reviewRejectType: "RETRY"` asks for resubmission; RED with FINAL
 *   (or anything else) is rejected: only Sumsub's explicit RETRY invites another attempt.
 * - Checks passed come from the steps: IDENTITY -> document, SELFIE -> liveness. AML screening has
 *   no step of its own, so sanctions/pep count only for an approved applicant whose level is
 *   configured to screen (ONEKEY_ISSUER_SUMSUB_CHECKS).
 * - Personal data is returned for an approved applicant only: a refused person's data has nowhere
 *   to go, so it never leaves Sumsub.
 */
export function normalizeSumsubDecision(
  applicant: SumsubApplicant,
  steps: SumsubStepsStatus | undefined,
  config: Pick<SumsubConfig, "checks">,
): Decision {
  const review = applicant.review;
  if (review?.reviewStatus !== "completed") return { state: "pending" };
  const answer = review.reviewResult;
  if (!answer) {
    throw new ProviderError("sumsub", "bad_response", "sumsub: a completed review without a reviewResult");
  }

  const outcome: KycOutcome =
    answer.reviewAnswer === "GREEN"
      ? "approved"
      : answer.reviewRejectType === "RETRY"
        ? "needs_resubmission"
        : "rejected";

  const identity = steps?.IDENTITY ?? undefined;
  const selfie = steps?.SELFIE ?? undefined;
  const required = new Set((applicant.requiredIdDocs?.docSets ?? []).map((set) => set.idDocSetType));
  const stepPassed = (name: "IDENTITY" | "SELFIE", step: typeof identity) => {
    const stepAnswer = step?.reviewResult?.reviewAnswer;
    if (stepAnswer === "GREEN") return true;
    // An approved applicant passed every required step, even one Sumsub reports without a result.
    return outcome === "approved" && stepAnswer === undefined && (step !== undefined || required.has(name));
  };
  const passed = new Set<KycCheck>();
  if (stepPassed("IDENTITY", identity)) passed.add("document");
  if (stepPassed("SELFIE", selfie)) passed.add("liveness");
  if (outcome === "approved") {
    for (const check of ["sanctions", "pep"] as const) if (config.checks.includes(check)) passed.add(check);
  }

  const idDocs = applicant.info?.idDocs ?? [];
  const idDoc =
    idDocs.find((d) => d.idDocType === identity?.idDocType) ?? idDocs.find((d) => d.idDocType in DOCUMENT_TYPES);
  const docType = identity?.idDocType ?? idDoc?.idDocType ?? undefined;

  const labels: string[] = [...(answer.rejectLabels ?? [])];
  for (const step of Object.values(steps ?? {})) {
    labels.push(...(step?.reviewResult?.rejectLabels ?? []));
    for (const image of Object.values(step?.imageReviewResults ?? {})) labels.push(...(image.rejectLabels ?? []));
  }
  const codes: ReasonCode[] = labels.map(reasonCodeOfSumsubLabel);
  const reasonCodes = outcome === "approved" ? [] : reasonCodeList(codes.length > 0 ? codes : ["other"]);

  return {
    state: "decided",
    result: {
      outcome,
      checksPassed: KYC_CHECKS.filter((c) => passed.has(c)),
      documentType: docType === undefined ? undefined : (DOCUMENT_TYPES[docType] ?? "other"),
      reasonCodes,
      provider: "sumsub",
      providerReference: applicant.id,
    },
    personalData: outcome === "approved" ? sumsubPersonalData(applicant, idDoc) : {},
  };
}

function sumsubPersonalData(
  applicant: SumsubApplicant,
  idDoc: NonNullable<NonNullable<SumsubApplicant["info"]>["idDocs"]>[number] | undefined,
): PersonalData {
  const info = applicant.info ?? {};
  const address = info.addresses?.[0];
  return compactPersonalData({
    firstName: info.firstName ?? info.firstNameEn,
    middleName: info.middleName,
    lastName: info.lastName ?? info.lastNameEn,
    dateOfBirth: info.dob,
    placeOfBirth: info.placeOfBirth,
    nationality: info.nationality,
    country: info.country,
    documentNumber: idDoc?.number,
    documentCountry: idDoc?.country,
    documentExpiry: idDoc?.validUntil,
    address: address && {
      street: [address.buildingNumber, address.street].filter(Boolean).join(" ") || undefined,
      street2: [address.flatNumber, address.subStreet].filter(Boolean).join(" ") || undefined,
      city: address.town,
      state: address.state,
      postalCode: address.postCode,
      country: address.country,
    },
  });
}
