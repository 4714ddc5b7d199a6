/**
 * The provider-independent vocabulary of `NormalizedResult.reasonCodes`. Every adapter maps its
 * provider's own labels (Sumsub reject labels, Persona failed checks, Onfido report breakdowns)
 * onto these codes, so the session workflow, the dApp's error table and the metrics read one
 * list whichever provider ran. A code says why a verification did not pass; it never carries
 * personal data, and it never decides the outcome by itself: the provider's own decision
 * (Sumsub FINAL/RETRY, Persona approved/declined) does. `finalCodes` only breaks ties where a
 * provider gives no such decision (a Persona inquiry that failed its attempts).
 *
 * | code                           | meaning                                                                  |
 * | ------------------------------ | ------------------------------------------------------------------------ |
 * | `document_expired`             | the identity document is past its expiry date                            |
 * | `document_unreadable`          | blur, glare, low resolution, cropped, black-and-white, screenshot        |
 * | `document_incomplete`          | a side, a page or a required field of the document is missing            |
 * | `document_unsupported`         | document type or issuing country not accepted by the check               |
 * | `document_tampered`            | forged, edited, template, printed or electronic replica                  |
 * | `data_mismatch`                | data entered or extracted is inconsistent (between documents, or input)  |
 * | `selfie_mismatch`              | the face does not match the document portrait                            |
 * | `liveness_failed`              | the selfie/liveness capture failed or was spoofed                        |
 * | `age_requirement`              | the person does not meet the required age                                |
 * | `country_not_supported`        | the person's country or region is not accepted                           |
 * | `duplicate_applicant`          | the person already verified under another applicant/account             |
 * | `sanctions_match`              | a sanctions-list match                                                   |
 * | `pep_match`                    | a politically-exposed-person match the policy refuses                    |
 * | `adverse_media`                | adverse-media findings                                                   |
 * | `fraud_suspected`              | fraud patterns, blocklists, stolen identity, third-party involvement     |
 * | `additional_documents_required`| the provider asks for further documents                                  |
 * | `verification_expired`         | the person did not finish the provider's flow in time                    |
 * | `other`                        | a reason the provider gave that none of the above covers                 |
 */
export const REASON_CODES = [
  "document_expired",
  "document_unreadable",
  "document_incomplete",
  "document_unsupported",
  "document_tampered",
  "data_mismatch",
  "selfie_mismatch",
  "liveness_failed",
  "age_requirement",
  "country_not_supported",
  "duplicate_applicant",
  "sanctions_match",
  "pep_match",
  "adverse_media",
  "fraud_suspected",
  "additional_documents_required",
  "verification_expired",
  "other",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * Codes after which a retry with new documents cannot help (fraud, screening, eligibility). Used
 * only where the provider itself does not say whether the person may try again.
 */
export const FINAL_REASON_CODES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  "document_tampered",
  "age_requirement",
  "country_not_supported",
  "duplicate_applicant",
  "sanctions_match",
  "pep_match",
  "adverse_media",
  "fraud_suspected",
]);

/** Sorted, without duplicates: two fetches of the same decision compare equal. */
export function reasonCodeList(codes: Iterable<ReasonCode>): ReasonCode[] {
  return [...new Set(codes)].sort();
}
