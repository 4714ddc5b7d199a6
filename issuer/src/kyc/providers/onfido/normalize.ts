import { compactPersonalData, type PersonalData } from "../common/personal-data.js";
import { type Decision, type DocumentType, KYC_CHECKS, type KycCheck, type KycOutcome } from "../provider.js";
import { type ReasonCode, reasonCodeList } from "../reason-codes.js";
import type { OnfidoReport, OnfidoWorkflowRun } from "./schemas.js";

/** `document_type` (schemas/document_types/document_types.yaml). */
const DOCUMENT_TYPES: Record<string, DocumentType> = {
  passport: "passport",
  passport_card: "id_card",
  national_identity_card: "id_card",
  driving_licence: "driving_licence",
  residence_permit: "residence_permit",
};

/** Document report breakdowns (schemas/reports/document_breakdown.yaml) to reason codes. */
const DOCUMENT_BREAKDOWNS: Record<string, ReasonCode> = {
  image_integrity: "document_unreadable",
  visual_authenticity: "document_tampered",
  issuing_authority: "document_tampered",
  data_validation: "data_mismatch",
  data_comparison: "data_mismatch",
  data_consistency: "data_mismatch",
  compromised_document: "fraud_suspected",
  police_record: "fraud_suspected",
  age_validation: "age_requirement",
};

/** Facial similarity breakdowns (photo, video, motion) to reason codes. */
const FACE_BREAKDOWNS: Record<string, ReasonCode> = {
  face_comparison: "selfie_mismatch",
  image_integrity: "liveness_failed",
  visual_authenticity: "liveness_failed",
};

/** Watchlist breakdowns (schemas/reports/watchlist_*_breakdown.yaml) to reason codes. */
const WATCHLIST_BREAKDOWNS: Record<string, ReasonCode> = {
  sanction: "sanctions_match",
  politically_exposed_person: "pep_match",
  adverse_media: "adverse_media",
  legal_and_regulatory_warnings: "other",
};

const PENDING_STATUSES = new Set(["processing", "awaiting_input", "awaiting_client_input", "review"]);

/**
 * Turns a workflow run and the reports of its applicant's latest check into our result.
 *
 * - The Studio workflow decides: approved -> approved, declined -> rejected; processing,
 *   awaiting_input, awaiting_client_input and review (manual review) are pending. abandoned (the
 *   link expired unfinished) and error (the run failed on Onfido's side) ask for resubmission: the
 *   person can only start over.
 * - Checks passed come from the reports, each read on its own: a clear document report ->
 *   document; a clear facial similarity report (photo, video or motion, which include the
 *   spoofing/liveness analysis) -> liveness; a watchlist report whose sanction / PEP breakdown is
 *   clear -> sanctions / pep.
 * - Reason codes: every breakdown a report marks `consider`, mapped by report kind.
 * - Personal data, for approved runs only, is what the document report extracted.
 */
export function normalizeOnfidoDecision(run: OnfidoWorkflowRun, reports: OnfidoReport[]): Decision {
  const status = run.status ?? "processing";
  if (PENDING_STATUSES.has(status)) return { state: "pending" };
  let outcome: KycOutcome;
  const codes: ReasonCode[] = [];
  if (status === "approved") outcome = "approved";
  else if (status === "declined") outcome = "rejected";
  else if (status === "abandoned") {
    outcome = "needs_resubmission";
    codes.push("verification_expired");
  } else outcome = "needs_resubmission";

  const passed = new Set<KycCheck>();
  const complete = reports.filter((r) => r.status === "complete" || !r.status);
  const document = complete.find((r) => r.name.startsWith("document"));
  for (const report of complete) {
    const kind = reportKind(report.name);
    if (!kind) continue;
    const breakdown = report.breakdown ?? {};
    if (kind === "document" && report.result === "clear") passed.add("document");
    if (kind === "face" && report.result === "clear") passed.add("liveness");
    if (kind === "watchlist") {
      const clear = (key: string) => breakdown[key]?.result === "clear";
      if (report.name === "watchlist_sanctions_only" ? report.result === "clear" : clear("sanction")) {
        passed.add("sanctions");
      }
      if (report.name === "watchlist_peps_only" ? report.result === "clear" : clear("politically_exposed_person")) {
        passed.add("pep");
      }
    }
    if (report.result !== "consider") continue;
    const table = kind === "document" ? DOCUMENT_BREAKDOWNS : kind === "face" ? FACE_BREAKDOWNS : WATCHLIST_BREAKDOWNS;
    const flagged = Object.entries(breakdown).filter(([, item]) => item?.result === "consider");
    for (const [key, item] of flagged) {
      codes.push(
        key === "data_validation" && expiryFailed(item?.breakdown) ? "document_expired" : (table[key] ?? "other"),
      );
    }
    if (flagged.length === 0) {
      if (report.name === "watchlist_sanctions_only") codes.push("sanctions_match");
      else if (report.name === "watchlist_peps_only") codes.push("pep_match");
      else codes.push("other");
    }
  }

  const docType = document?.properties?.document_type ?? undefined;
  return {
    state: "decided",
    result: {
      outcome,
      checksPassed: KYC_CHECKS.filter((c) => passed.has(c)),
      documentType: docType ? (DOCUMENT_TYPES[docType] ?? "other") : undefined,
      reasonCodes: outcome === "approved" ? [] : reasonCodeList(codes.length > 0 ? codes : ["other"]),
      provider: "onfido",
      providerReference: run.id,
    },
    personalData: outcome === "approved" ? onfidoPersonalData(document) : {},
  };
}

function reportKind(name: string): "document" | "face" | "watchlist" | undefined {
  if (name.startsWith("document")) return "document";
  if (name.startsWith("facial_similarity")) return "face";
  if (name.startsWith("watchlist")) return "watchlist";
  return undefined;
}

/** data_validation's own breakdown says whether the expiry date is the problem. */
function expiryFailed(breakdown: Record<string, unknown> | null | undefined): boolean {
  return ["document_expiration", "expiry_date"].some((key) => {
    const item = breakdown?.[key];
    return typeof item === "object" && item !== null && (item as { result?: unknown }).result === "consider";
  });
}

function onfidoPersonalData(document: OnfidoReport | undefined): PersonalData {
  const p = document?.properties;
  if (!p) return {};
  const numbers = p.document_numbers ?? [];
  const number = numbers.find((n) => n.type === "document_number") ?? numbers[0];
  const address = p.address_lines;
  return compactPersonalData({
    firstName: p.first_name,
    middleName: p.middle_name,
    lastName: p.last_name,
    dateOfBirth: p.date_of_birth,
    placeOfBirth: p.place_of_birth,
    nationality: p.nationality,
    documentNumber: number?.value,
    documentCountry: p.issuing_country,
    documentExpiry: p.date_of_expiry,
    address: address && {
      street: address.street_address,
      city: address.city,
      state: address.state,
      postalCode: address.postal_code,
      country: address.country_code ?? address.country,
    },
  });
}
