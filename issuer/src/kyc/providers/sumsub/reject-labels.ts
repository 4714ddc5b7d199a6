import type { ReasonCode } from "../reason-codes.js";

/**
 * Sumsub rejection labels (https://docs.sumsub.com/docs/rejection-labels; the enum
 * `ReviewResult.ReviewLabel` of Sumsub's API schema) to our reason codes. A label missing here
 * becomes `other`, so a label Sumsub adds later still yields a code.
 */
const LABELS: Record<string, ReasonCode> = {
  EXPIRATION_DATE: "document_expired",

  LOW_QUALITY: "document_unreadable",
  UNSATISFACTORY_PHOTOS: "document_unreadable",
  BLACK_AND_WHITE: "document_unreadable",
  SCREENSHOTS: "document_unreadable",
  DOCUMENT_DAMAGED: "document_unreadable",
  BAD_PROOF_OF_IDENTITY: "document_unreadable",

  INCOMPLETE_DOCUMENT: "document_incomplete",
  DOCUMENT_PAGE_MISSING: "document_incomplete",
  FRONT_SIDE_MISSING: "document_incomplete",
  BACK_SIDE_MISSING: "document_incomplete",
  UNFILLED_ID: "document_incomplete",

  NOT_DOCUMENT: "document_unsupported",
  ID_INVALID: "document_unsupported",
  DIGITAL_DOCUMENT: "document_unsupported",
  UNSUITABLE_DOCUMENT: "document_unsupported",
  OUTDATED_DOCUMENT_VERSION: "document_unsupported",
  INCOMPATIBLE_LANGUAGE: "document_unsupported",
  DOCUMENT_DEPRIVED: "document_unsupported",

  FORGERY: "document_tampered",
  DOCUMENT_TEMPLATE: "document_tampered",
  GRAPHIC_EDITOR: "document_tampered",

  WRONG_ADDRESS: "data_mismatch",
  INCONSISTENT_PROFILE: "data_mismatch",
  PROBLEMATIC_APPLICANT_DATA: "data_mismatch",
  REQUESTED_DATA_MISMATCH: "data_mismatch",
  DB_DATA_MISMATCH: "data_mismatch",
  DB_DATA_NOT_FOUND: "data_mismatch",
  INCORRECT_SOCIAL_NUMBER: "data_mismatch",

  SELFIE_MISMATCH: "selfie_mismatch",
  BAD_FACE_MATCHING: "selfie_mismatch",

  BAD_SELFIE: "liveness_failed",
  BAD_VIDEO_SELFIE: "liveness_failed",
  FRAUDULENT_LIVENESS: "liveness_failed",
  SELFIE_WITH_PAPER: "liveness_failed",
  BAD_AVATAR: "liveness_failed",

  AGE_REQUIREMENT_MISMATCH: "age_requirement",

  WRONG_USER_REGION: "country_not_supported",
  FOREIGNER: "country_not_supported",

  DUPLICATE: "duplicate_applicant",

  SANCTIONS: "sanctions_match",
  PEP: "pep_match",
  ADVERSE_MEDIA: "adverse_media",

  FRAUDULENT_PATTERNS: "fraud_suspected",
  BLACKLIST: "fraud_suspected",
  BLOCKLIST: "fraud_suspected",
  STOLEN_DOCS: "fraud_suspected",
  CRIMINAL: "fraud_suspected",
  COMPROMISED_PERSONS: "fraud_suspected",
  SPAM: "fraud_suspected",
  THIRD_PARTY_INVOLVED: "fraud_suspected",
  THIRD_PARTY_GUIDANCE: "fraud_suspected",
  SPONSORED_VERIFICATION: "fraud_suspected",
  PERSON_MISMATCH: "fraud_suspected",

  ADDITIONAL_DOCUMENT_REQUIRED: "additional_documents_required",
  MORE_DOCUMENTS_REQUIRED: "additional_documents_required",
  NOT_ALL_CHECKS_COMPLETED: "additional_documents_required",
  BAD_PROOF_OF_ADDRESS: "additional_documents_required",
  BAD_PROOF_OF_PAYMENT: "additional_documents_required",
  GPS_AS_POA_SKIPPED: "additional_documents_required",
};

export function reasonCodeOfSumsubLabel(label: string): ReasonCode {
  return LABELS[label] ?? "other";
}
