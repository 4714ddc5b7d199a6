import type { ReasonCode } from "../reason-codes.js";

/**
 * Persona verification checks (https://docs.withpersona.com/verification-checks; the names in a
 * verification's `checks`) to our reason codes. A failed check missing here becomes `other`.
 */
const CHECKS: Record<string, ReasonCode> = {
  id_expired_detection: "document_expired",

  id_blur_detection: "document_unreadable",
  id_glare_detection: "document_unreadable",
  id_portrait_clarity_detection: "document_unreadable",
  id_video_quality_detection: "document_unreadable",
  id_unprocessable_submission_detection: "document_unreadable",
  id_damaged_detection: "document_unreadable",
  id_color_inconsistency_detection: "document_unreadable",
  id_barcode_detection: "document_unreadable",
  id_mrz_detection: "document_unreadable",

  id_double_side_detection: "document_incomplete",
  id_extracted_properties_detection: "document_incomplete",
  id_portrait_detection: "document_incomplete",

  id_disallowed_type_detection: "document_unsupported",
  id_real_id_detection: "document_unsupported",

  id_tamper_detection: "document_tampered",
  id_physical_tamper_detection: "document_tampered",
  id_fabrication_detection: "document_tampered",
  id_electronic_replica_detection: "document_tampered",
  id_paper_detection: "document_tampered",
  id_handwriting_detection: "document_tampered",

  id_attribute_comparison: "data_mismatch",
  id_inquiry_comparison: "data_mismatch",
  id_account_comparison: "data_mismatch",
  id_barcode_inconsistency_detection: "data_mismatch",
  id_mrz_inconsistency_detection: "data_mismatch",
  id_extraction_inconsistency_detection: "data_mismatch",
  id_number_format_inconsistency_detection: "data_mismatch",
  id_valid_dates_detection: "data_mismatch",
  id_age_inconsistency_detection: "data_mismatch",

  id_selfie_comparison: "selfie_mismatch",
  selfie_id_comparison: "selfie_mismatch",

  selfie_liveness_detection: "liveness_failed",
  selfie_pose_detection: "liveness_failed",
  selfie_pose_repeat_detection: "liveness_failed",
  selfie_suspicious_entity_detection: "liveness_failed",
  selfie_multiple_faces_detection: "liveness_failed",
  selfie_glare_detection: "liveness_failed",
  selfie_glasses_detection: "liveness_failed",

  id_age_comparison: "age_requirement",
  selfie_age_comparison: "age_requirement",

  id_disallowed_country_detection: "country_not_supported",

  id_repeat_detection: "duplicate_applicant",
  id_inconsistent_repeat_detection: "duplicate_applicant",

  id_compromised_detection: "fraud_suspected",
  id_public_figure_detection: "fraud_suspected",
  selfie_public_figure_detection: "fraud_suspected",
};

export function reasonCodeOfPersonaCheck(name: string): ReasonCode {
  return CHECKS[name] ?? "other";
}
