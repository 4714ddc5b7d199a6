import { z } from "zod";

/**
 * The parts of Persona's JSON:API answers the adapter reads, with Persona's kebab-case names (we
 * send Key-Inflection: kebab). Fields not listed are dropped;
 * nothing else is required of them.
 */

const text = z.string().nullish();

/** An element of a verification's `checks` (https://docs.withpersona.com/verification-checks). */
const personaCheck = z.object({
  name: z.string(),
  /** passed, failed, not_applicable. */
  status: z.string(),
  reasons: z.array(z.unknown()).nullish(),
  /** required, not_required (absent in older versions). */
  requirement: z.string().nullish(),
});

/** A resource in `included`; verifications are read, other types are ignored. */
const personaIncluded = z.object({
  type: z.string(),
  id: z.string(),
  attributes: z
    .object({
      /** initiated, submitted, passed, failed, requires_retry, canceled, confirmed. */
      status: z.string().nullish(),
      "created-at": text,
      "completed-at": text,
      "id-class": text,
      "identification-number": text,
      "country-code": text,
      nationality: text,
      "expiration-date": text,
      "name-first": text,
      "name-middle": text,
      "name-last": text,
      birthdate: text,
      checks: z.array(personaCheck).nullish(),
    })

    .nullish(),
});
export type PersonaIncluded = z.output<typeof personaIncluded>;

const field = z.object({ value: z.unknown() }).partial();

/** GET /api/v1/inquiries/{inquiry-id} (https://docs.withpersona.com/api-reference/inquiries/retrieve-an-inquiry). */
export const personaInquiry = z.object({
  data: z.object({
    type: z.literal("inquiry"),
    id: z.string().min(1),
    attributes: z.object({
      /** created, pending, completed, failed, expired, needs_review, approved, declined. */
      status: z.string(),
      "reference-id": text,
      "name-first": text,
      "name-middle": text,
      "name-last": text,
      birthdate: text,
      "address-street-1": text,
      "address-street-2": text,
      "address-city": text,
      "address-subdivision": text,
      "address-postal-code": text,
      "address-country-code": text,
      "identification-number": text,
      fields: z.record(z.string(), field).nullish(),
    }),
  }),
  included: z.array(personaIncluded).nullish(),
});
export type PersonaInquiry = z.output<typeof personaInquiry>;

/** POST /api/v1/inquiries answers the created inquiry. */
export const personaCreatedInquiry = z.object({
  data: z.object({ type: z.literal("inquiry"), id: z.string().min(1) }),
});

/** POST /api/v1/inquiries/{inquiry-id}/generate-one-time-link: the link is in `meta`. */
export const personaOneTimeLink = z.object({
  meta: z.object({
    "one-time-link": z.string().refine((v) => URL.canParse(v) && new URL(v).protocol === "https:", "https URL"),
  }),
});

/** A webhook event (https://docs.withpersona.com/webhooks): the affected object is in payload.data. */
export const personaWebhookEvent = z.object({
  data: z.object({
    type: z.literal("event"),
    id: z.string().min(1),
    attributes: z.object({
      name: z.string().min(1),
      payload: z.object({
        data: z.object({
          type: z.string(),
          id: z.string().min(1),
          relationships: z
            .object({ inquiry: z.object({ data: z.object({ id: z.string() }).nullish() }).nullish() })

            .nullish(),
        }),
      }),
    }),
  }),
});
