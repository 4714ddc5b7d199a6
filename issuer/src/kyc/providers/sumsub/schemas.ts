import { z } from "zod";

/**
 * The parts of Sumsub's answers the adapter reads, with Sumsub's field names. Fields not listed
 * are dropped (Sumsub adds fields freely); only what a decision depends on is required.
 */

/** `reviewResult` (https://docs.sumsub.com/docs/receive-and-interpret-results-via-api). */
export const sumsubReviewResult = z.object({
  /** GREEN = approved, RED = rejected. */
  reviewAnswer: z.enum(["GREEN", "RED"]),
  /** FINAL = may not retry, RETRY = may resubmit. */
  reviewRejectType: z.string().optional(),
  rejectLabels: z.array(z.string()).optional(),
});

const optionalText = z.string().nullish();

/** An element of `info.idDocs`. */
const sumsubIdDoc = z.object({
  idDocType: z.string(),
  country: optionalText,
  number: optionalText,
  validUntil: optionalText,
});

/** An element of `info.addresses`. */
const sumsubAddress = z.object({
  street: optionalText,
  subStreet: optionalText,
  buildingNumber: optionalText,
  flatNumber: optionalText,
  town: optionalText,
  state: optionalText,
  postCode: optionalText,
  country: optionalText,
});

/** GET /resources/applicants/{applicantId}/one (https://docs.sumsub.com/reference/get-applicant-data). */
export const sumsubApplicant = z.object({
  id: z.string().min(1),
  externalUserId: z.string().optional(),
  /** Data recognized from the documents (or provided by the applicant). */
  info: z
    .object({
      firstName: optionalText,
      firstNameEn: optionalText,
      middleName: optionalText,
      lastName: optionalText,
      lastNameEn: optionalText,
      dob: optionalText,
      placeOfBirth: optionalText,
      country: optionalText,
      nationality: optionalText,
      addresses: z.array(sumsubAddress).nullish(),
      idDocs: z.array(sumsubIdDoc).nullish(),
    })
    .nullish(),
  requiredIdDocs: z.object({ docSets: z.array(z.object({ idDocSetType: z.string() })).nullish() }).nullish(),
  review: z
    .object({
      /** init, pending, prechecked, queued, completed, onHold, awaitingService, awaitingUser. */
      reviewStatus: z.string(),
      reviewResult: sumsubReviewResult.nullish(),
    })
    .nullish(),
});
export type SumsubApplicant = z.output<typeof sumsubApplicant>;

const stepImageReview = z.object({
  reviewAnswer: z.string().optional(),
  rejectLabels: z.array(z.string()).optional(),
});

/**
 * GET /resources/applicants/{applicantId}/requiredIdDocsStatus
 * (https://docs.sumsub.com/reference/get-applicant-verification-steps-status): one entry per step
 * (IDENTITY, SELFIE, PROOF_OF_RESIDENCE, ...), null for a step not started.
 */
export const sumsubStepsStatus = z.record(
  z.string(),
  z
    .object({
      reviewResult: z
        .object({
          reviewAnswer: z.string().optional(),
          rejectLabels: z.array(z.string()).optional(),
          reviewRejectType: z.string().optional(),
        })
        .nullish(),
      country: optionalText,
      idDocType: optionalText,
      imageReviewResults: z.record(z.string(), stepImageReview).nullish(),
    })
    .nullable(),
);
export type SumsubStepsStatus = z.output<typeof sumsubStepsStatus>;

/** POST /resources/applicants?levelName=... answers the created applicant. */
export const sumsubCreatedApplicant = z.object({ id: z.string().min(1) });

/** POST /resources/accessTokens/sdk (https://docs.sumsub.com/reference/generate-access-token). */
export const sumsubAccessToken = z.object({ token: z.string().min(1), userId: z.string() });

/** A user-verification webhook (https://docs.sumsub.com/docs/user-verification-webhooks). */
export const sumsubWebhookBody = z.object({
  applicantId: z.string().min(1),
  type: z.string().min(1),
  correlationId: z.string().optional(),
  createdAtMs: z.string().optional(),
  reviewStatus: z.string().optional(),
});
