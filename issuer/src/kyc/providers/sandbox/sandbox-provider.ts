/**
 * The adapter for the sandbox provider (devnet/src/kyc-sandbox): Sumsub-shaped HMAC request
 * signing, applicants, access tokens for its hosted flow, webhook digests. It is the local
 * default and the model the real adapters follow.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type {
  BrowserLaunch,
  Decision,
  DocumentType,
  KycCheck,
  KycProvider,
  NormalizedResult,
  ProviderEvent,
  ProviderName,
  StartApplicantInput,
} from "../provider.js";
import { ProviderError, ProviderWebhookInvalid } from "../provider.js";

export const sandboxSettingsSchema = z.object({
  URL: z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http(s) URL")
    .transform((v) => v.replace(/\/+$/, "")),
  APP_TOKEN: z.string().min(8, "must be the sandbox's app token"),
  SECRET_KEY: z.string().min(16, "must be the sandbox's secret key (at least 16 characters)"),
  WEBHOOK_SECRET: z.string().min(16, "must be the sandbox's webhook secret (at least 16 characters)"),
  /** Lifetime of a hosted-flow link. */
  LAUNCH_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

const applicantSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{24}$/),
  review: z.object({
    reviewStatus: z.enum(["init", "pending", "completed"]),
    reviewResult: z
      .object({
        reviewAnswer: z.enum(["GREEN", "RED"]),
        reviewRejectType: z.enum(["FINAL", "RETRY"]).optional(),
        rejectLabels: z.array(z.string()),
      })
      .optional(),
  }),
  checks: z.record(z.string(), z.enum(["passed", "failed", "not_requested"])).optional(),
  info: z
    .object({
      firstName: z.string(),
      lastName: z.string(),
      dob: z.string(),
      country: z.string(),
      idDocs: z.array(z.object({ idDocType: z.string(), number: z.string(), country: z.string() })),
    })
    .optional(),
});
export type SandboxApplicant = z.infer<typeof applicantSchema>;

const webhookSchema = z.object({
  eventId: z.string().min(1).max(128),
  type: z.string().min(1).max(64),
  applicantId: z.string().regex(/^[0-9a-f]{24}$/),
});

const DOCUMENT_TYPES: Record<string, DocumentType> = {
  PASSPORT: "passport",
  ID_CARD: "id_card",
  DRIVERS: "driving_licence",
  RESIDENCE_PERMIT: "residence_permit",
};

/** The sandbox's labels (Sumsub's style) as provider-independent reason codes. */
const REASON_CODES: Record<string, string> = {
  FORGERY: "document_forged",
  SANCTIONS: "sanctions_match",
  PEP: "pep_match",
  BAD_PROOF_OF_IDENTITY: "document_unreadable",
  DOCUMENT_EXPIRED: "document_expired",
  SELFIE_MISMATCH: "selfie_mismatch",
};

const CHECKS: readonly KycCheck[] = ["document", "liveness", "sanctions", "pep"];

/** One sandbox applicant as the issuer's result schema (and the person's data, apart). */
export function normalizeSandboxApplicant(provider: ProviderName, applicant: SandboxApplicant): Decision {
  const { review } = applicant;
  if (review.reviewStatus !== "completed" || !review.reviewResult) return { state: "pending" };
  const answer = review.reviewResult;
  const outcome =
    answer.reviewAnswer === "GREEN"
      ? "approved"
      : answer.reviewRejectType === "RETRY"
        ? "needs_resubmission"
        : "rejected";
  const doc = applicant.info?.idDocs[0];
  const result: NormalizedResult = {
    outcome,
    checksPassed: CHECKS.filter((check) => applicant.checks?.[check] === "passed"),
    documentType: doc ? (DOCUMENT_TYPES[doc.idDocType] ?? "other") : undefined,
    reasonCodes: [...new Set(answer.rejectLabels.map((label) => REASON_CODES[label] ?? "other"))],
    provider,
    providerReference: applicant.id,
  };
  const info = applicant.info;
  const personalData = info
    ? {
        firstName: info.firstName,
        lastName: info.lastName,
        dateOfBirth: info.dob,
        country: info.country,
        documentType: doc?.idDocType,
        documentNumber: doc?.number,
        documentCountry: doc?.country,
      }
    : {};
  return { state: "decided", result, personalData };
}

function sign(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

export function createSandboxProvider(name: ProviderName, settings: SandboxSettings): KycProvider {
  const fail = (reason: ProviderError["reason"], message: string, cause?: unknown): never => {
    throw new ProviderError(name, reason, message, { cause });
  };

  /** One signed request; the provider's errors mapped onto ProviderError reasons. */
  async function call(method: string, path: string, signal: AbortSignal, body?: unknown): Promise<unknown> {
    const text = body === undefined ? "" : JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(`${settings.URL}${path}`, {
        method,
        signal,
        headers: {
          "content-type": "application/json",
          "x-app-token": settings.APP_TOKEN,
          "x-app-access-ts": ts,
          "x-app-access-sig": sign(settings.SECRET_KEY, `${ts}${method}${path}${text}`),
        },
        body: body === undefined ? undefined : text,
      });
    } catch (error) {
      if (signal.aborted) return fail("timeout", `${method} ${path.split("?")[0]} timed out`, error);
      return fail("unavailable", `${method} ${path.split("?")[0]}: the sandbox cannot be reached`, error);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (signal.aborted) return fail("timeout", `${method} timed out while reading the answer`, error);
      if (response.status >= 500) return fail("unavailable", `the sandbox answered ${response.status}`);
      return fail("bad_response", `the sandbox answered ${response.status} without JSON`, error);
    }
    if (response.ok) return json;
    const status = response.status;
    if (status >= 500 || status === 429) return fail("unavailable", `the sandbox answered ${status}`);
    if (status === 401 || status === 403)
      return fail("unauthorized", `the sandbox refused our credentials (${status})`);
    if (status === 404) return fail("not_found", "the sandbox does not know this applicant");
    return fail("rejected_request", `the sandbox refused the request (${status})`);
  }

  /** Applicant ids go into URL paths: only the sandbox's own shape is accepted. */
  const checkId = (applicantId: string) => {
    if (!/^[0-9a-f]{24}$/.test(applicantId)) fail("not_found", "not a sandbox applicant id");
  };

  function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) return fail("bad_response", `the sandbox answered a malformed ${what}`);
    return parsed.data;
  }

  return {
    name,
    supports: CHECKS,

    async createApplicant(input: StartApplicantInput, signal) {
      const created = await call("POST", "/resources/applicants", signal, {
        externalUserId: input.sessionId,
        requiredChecks: input.checks,
      });
      return { applicantId: parse(z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) }), created, "applicant").id };
    },

    async launch(applicantId, input, signal): Promise<BrowserLaunch> {
      checkId(applicantId);
      const answer = await call("POST", `/resources/applicants/${applicantId}/accessTokens`, signal, {
        ttlInSecs: settings.LAUNCH_TTL_SECONDS,
        returnUrl: input.returnUrl,
      });
      const token = parse(z.object({ url: z.string().url(), expiresAt: z.string() }), answer, "access token");
      const expiresAt = Date.parse(token.expiresAt);
      if (!Number.isFinite(expiresAt)) return fail("bad_response", "the sandbox answered an unreadable expiry");
      // The hosted flow lives on the sandbox's own origin; a redirect elsewhere is refused.
      if (new URL(token.url).origin !== new URL(settings.URL).origin) {
        return fail("bad_response", "the sandbox named a flow URL on another origin");
      }
      return { kind: "hosted-url", provider: name, url: token.url, expiresAt: Math.floor(expiresAt / 1000) };
    },

    verifyWebhook(request): ProviderEvent {
      const digest = request.headers["x-payload-digest"] ?? "";
      const algorithm = request.headers["x-payload-digest-alg"] ?? "HMAC_SHA256_HEX";
      if (algorithm !== "HMAC_SHA256_HEX") throw new ProviderWebhookInvalid(`unsupported digest algorithm`);
      const expected = sign(settings.WEBHOOK_SECRET, request.rawBody);
      const given = /^[0-9a-f]{64}$/i.test(digest) ? Buffer.from(digest, "hex") : Buffer.alloc(0);
      if (given.length !== 32 || !timingSafeEqual(given, Buffer.from(expected, "hex"))) {
        throw new ProviderWebhookInvalid("the payload digest does not match");
      }
      let body: unknown;
      try {
        body = JSON.parse(request.rawBody);
      } catch {
        throw new ProviderWebhookInvalid("the body is not JSON");
      }
      const event = webhookSchema.safeParse(body);
      if (!event.success) throw new ProviderWebhookInvalid("the body is not a sandbox event");
      const kind =
        event.data.type === "applicantPending"
          ? "submitted"
          : event.data.type === "applicantReviewed"
            ? "decided"
            : "other";
      return { applicantId: event.data.applicantId, eventId: event.data.eventId, kind };
    },

    async fetchDecision(applicantId, signal) {
      checkId(applicantId);
      const applicant = parse(
        applicantSchema,
        await call("GET", `/resources/applicants/${applicantId}`, signal),
        "applicant",
      );
      if (applicant.id !== applicantId) return fail("bad_response", "the sandbox answered another applicant");
      return normalizeSandboxApplicant(name, applicant);
    },

    async deleteApplicant(applicantId, signal) {
      checkId(applicantId);
      try {
        await call("DELETE", `/resources/applicants/${applicantId}`, signal);
      } catch (error) {
        // Already gone is what we wanted.
        if (error instanceof ProviderError && error.reason === "not_found") return "deleted";
        throw error;
      }
      return "deleted";
    },

    async ping(signal) {
      await call("GET", "/resources/status/api", signal);
    },
  };
}
