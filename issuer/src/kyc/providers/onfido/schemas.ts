import { z } from "zod";

/**
 * The parts of Onfido's answers the adapter reads, with the field names of Onfido's OpenAPI
 * specification v3.6 (github.com/onfido/onfido-openapi-spec). Fields not listed are dropped.
 */

const text = z.string().nullish();

/** POST /applicants answers the applicant; only its id matters here. */
export const onfidoApplicant = z.object({ id: z.string().min(1) });

/** A Workflow Run (schemas/workflow_runs/definitions.yaml). */
export const onfidoWorkflowRun = z.object({
  id: z.string().min(1),
  applicant_id: z.string().min(1),
  /** processing, awaiting_input, awaiting_client_input, approved, declined, review, abandoned, error. */
  status: z.string().nullish(),
  link: z.object({ url: text, expires_at: text }).nullish(),
});
export type OnfidoWorkflowRun = z.output<typeof onfidoWorkflowRun>;

/** GET /checks?applicant_id=... */
export const onfidoChecks = z.object({
  checks: z.array(z.object({ id: z.string().min(1), created_at: text, status: text })),
});

const breakdownItem = z.object({ result: text, breakdown: z.record(z.string(), z.unknown()).nullish() });

/** An element of GET /reports?check_id=... (schemas/reports/*). */
const onfidoReport = z.object({
  id: z.string(),
  name: z.string(),
  /** awaiting_data, awaiting_approval, cancelled, complete, withdrawn. */
  status: text,
  /** clear, consider, unidentified. */
  result: text,
  /** Document reports: clear, rejected, suspected, caution. */
  sub_result: text,
  breakdown: z.record(z.string(), breakdownItem.nullish()).nullish(),
  properties: z
    .object({
      first_name: text,
      middle_name: text,
      last_name: text,
      date_of_birth: text,
      place_of_birth: text,
      nationality: text,
      document_type: text,
      issuing_country: text,
      date_of_expiry: text,
      document_numbers: z.array(z.object({ type: text, value: text })).nullish(),
      address_lines: z
        .object({
          street_address: text,
          city: text,
          state: text,
          postal_code: text,
          country_code: text,
          country: text,
        })
        .nullish(),
    })
    .nullish(),
});
export type OnfidoReport = z.output<typeof onfidoReport>;

export const onfidoReports = z.object({ reports: z.array(onfidoReport) });

/** A webhook (schemas/webhooks/webhook_event.yaml). */
export const onfidoWebhookEvent = z.object({
  payload: z.object({
    resource_type: z.string(),
    action: z.string(),
    object: z.object({ id: z.string().min(1), status: text, completed_at_iso8601: text }),
    resource: z.object({ workflow_run_id: text }).nullish(),
  }),
});
