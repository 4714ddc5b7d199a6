import { type ProviderDeps, resolveDeps } from "../common/deps.js";
import { type ProviderRequest, readBody, sendProviderRequest } from "../common/http.js";
import {
  type BrowserLaunch,
  type Decision,
  type KycProvider,
  ProviderError,
  type ProviderEvent,
  type ProviderWebhookRequest,
  type StartApplicantInput,
} from "../provider.js";
import type { PersonaConfig } from "./config.js";
import { normalizePersonaDecision } from "./normalize.js";
import { personaCreatedInquiry, personaInquiry, personaOneTimeLink } from "./schemas.js";
import { verifyPersonaWebhook } from "./webhook.js";

const INQUIRY_ID = /^inq_[A-Za-z0-9]{1,64}$/;

/**
 * Persona behind the KycProvider interface, built to https://docs.withpersona.com/api-reference.
 * Requests carry `Authorization: Bearer <API key>`, a pinned `Persona-Version` and
 * `Key-Inflection: kebab` (the field names normalize.ts reads). The person runs Persona's hosted
 * flow from a one-time link; the decision is fetched server-side.
 */
export function createPersonaProvider(config: PersonaConfig, deps: ProviderDeps = {}): KycProvider {
  const { fetch, now } = resolveDeps(deps);

  function call(
    method: ProviderRequest["method"],
    path: string,
    route: string,
    signal: AbortSignal,
    options: { body?: unknown; idempotencyKey?: string } = {},
  ) {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${config.apiKey}`,
      "Persona-Version": config.apiVersion,
      "Key-Inflection": "kebab",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    return sendProviderRequest("persona", fetch, config.baseUrl, { method, path, route, headers, body }, signal);
  }

  const inquiryPath = (inquiryId: string) => {
    if (!INQUIRY_ID.test(inquiryId)) {
      throw new ProviderError("persona", "rejected_request", "persona: malformed inquiry id");
    }
    return `/api/v1/inquiries/${inquiryId}`;
  };

  return {
    name: "persona",
    supports: config.checks,

    // POST /api/v1/inquiries (https://docs.withpersona.com/api-reference/inquiries/create-an-inquiry)
    // from our template, with our session id as reference-id (pseudonymous) and as the
    // Idempotency-Key (https://docs.withpersona.com/idempotence), so a retried create returns the
    // same inquiry.
    async createApplicant(input: StartApplicantInput, signal: AbortSignal) {
      const route = "/api/v1/inquiries";
      const response = await call("POST", route, route, signal, {
        body: { data: { attributes: { "inquiry-template-id": config.templateId, "reference-id": input.sessionId } } },
        idempotencyKey: `onekey-inquiry-${input.sessionId}`,
      });
      return { applicantId: readBody("persona", route, personaCreatedInquiry, response.json).data.id };
    },

    // POST /api/v1/inquiries/{inquiry-id}/generate-one-time-link
    // (https://docs.withpersona.com/api-reference/inquiries/generate-a-one-time-link): a single-use
    // link into the hosted flow (https://docs.withpersona.com/inquiry-one-time-links), which Persona
    // recommends over links carrying a session token. The redirect back to the dApp is the
    // template's redirect-uri.
    async launch(applicantId: string, _input: StartApplicantInput, signal: AbortSignal): Promise<BrowserLaunch> {
      const route = "/api/v1/inquiries/:id/generate-one-time-link";
      const issuedAt = now();
      const response = await call("POST", `${inquiryPath(applicantId)}/generate-one-time-link`, route, signal);
      const link = readBody("persona", route, personaOneTimeLink, response.json);
      return {
        kind: "hosted-url",
        provider: "persona",
        url: link.meta["one-time-link"],
        expiresAt: issuedAt + config.linkTtlSeconds,
      };
    },

    verifyWebhook(request: ProviderWebhookRequest): ProviderEvent {
      return verifyPersonaWebhook(request, config, now());
    },

    // GET /api/v1/inquiries/{inquiry-id}?include=verifications
    // (https://docs.withpersona.com/api-reference/inquiries/retrieve-an-inquiry).
    async fetchDecision(applicantId: string, signal: AbortSignal): Promise<Decision> {
      const route = "/api/v1/inquiries/:id?include=verifications";
      const response = await call("GET", `${inquiryPath(applicantId)}?include=verifications`, route, signal);
      return normalizePersonaDecision(readBody("persona", route, personaInquiry, response.json), config);
    },

    // DELETE /api/v1/inquiries/{inquiry-id} (https://docs.withpersona.com/api-reference/inquiries/redact-an-inquiry):
    // Persona permanently removes the inquiry's personal data.
    async deleteApplicant(applicantId: string, signal: AbortSignal) {
      await call("DELETE", inquiryPath(applicantId), "/api/v1/inquiries/:id", signal);
      return "deleted" as const;
    },

    // GET /api/v1/inquiry-templates/{inquiry-template-id}
    // (https://docs.withpersona.com/api-reference/inquiry-templates/retrieve-an-inquiry-template):
    // cheap, no personal data, and fails when the key or the template is wrong.
    async ping(signal: AbortSignal) {
      const route = "/api/v1/inquiry-templates/:id";
      await call("GET", `/api/v1/inquiry-templates/${config.templateId}`, route, signal);
    },
  };
}
