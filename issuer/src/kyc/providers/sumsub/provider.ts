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
import type { SumsubConfig } from "./config.js";
import { normalizeSumsubDecision } from "./normalize.js";
import { sumsubAccessToken, sumsubApplicant, sumsubCreatedApplicant, sumsubStepsStatus } from "./schemas.js";
import { sumsubSignature } from "./signing.js";
import { verifySumsubWebhook } from "./webhook.js";

/** Sumsub applicant ids are 24 lower-case hex-like characters; anything else never reaches a URL. */
const APPLICANT_ID = /^[a-zA-Z0-9]{1,64}$/;

/**
 * Sumsub behind the KycProvider interface, built to https://docs.sumsub.com/reference. Every request
 * carries X-App-Token, X-App-Access-Ts and X-App-Access-Sig (see signing.ts). The person runs
 * Sumsub's WebSDK with a short-lived access token; the decision is fetched server-side.
 */
export function createSumsubProvider(config: SumsubConfig, deps: ProviderDeps = {}): KycProvider {
  const { fetch, now } = resolveDeps(deps);

  async function call(
    method: ProviderRequest["method"],
    path: string,
    route: string,
    signal: AbortSignal,
    body?: unknown,
    accept?: number[],
  ) {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const ts = String(now());
    const headers: Record<string, string> = {
      Accept: "application/json",
      "X-App-Token": config.appToken,
      "X-App-Access-Ts": ts,
      "X-App-Access-Sig": sumsubSignature(config.secretKey, ts, method, path, text),
    };
    if (text !== undefined) headers["Content-Type"] = "application/json";
    const request = { method, path, route, headers, body: text };
    return sendProviderRequest("sumsub", fetch, config.baseUrl, request, signal, { accept });
  }

  const applicantPath = (applicantId: string) => {
    if (!APPLICANT_ID.test(applicantId)) {
      throw new ProviderError("sumsub", "rejected_request", "sumsub: malformed applicant id");
    }
    return `/resources/applicants/${applicantId}`;
  };

  return {
    name: "sumsub",
    supports: config.checks,

    // POST /resources/applicants?levelName=... (https://docs.sumsub.com/reference/create-applicants).
    // Our session id is the externalUserId: pseudonymous, and it makes a retried create idempotent:
    // Sumsub answers 409 for an existing externalUserId, and we then read that applicant back with
    // GET /resources/applicants/-;externalUserId=.../one
    // (https://docs.sumsub.com/reference/get-applicant-data-via-externaluserid).
    async createApplicant(input: StartApplicantInput, signal: AbortSignal) {
      const body: Record<string, string> = { externalUserId: input.sessionId };
      const lang = input.locale?.split(/[-_]/)[0]?.toLowerCase();
      if (lang && /^[a-z]{2}$/.test(lang)) body.lang = lang;
      const route = "/resources/applicants?levelName=:level";
      const path = `/resources/applicants?levelName=${encodeURIComponent(config.levelName)}`;
      const created = await call("POST", path, route, signal, body, [409]);
      if (created.status !== 409) {
        return { applicantId: readBody("sumsub", route, sumsubCreatedApplicant, created.json).id };
      }
      const existingRoute = "/resources/applicants/-;externalUserId=:id/one";
      const existing = await call(
        "GET",
        `/resources/applicants/-;externalUserId=${encodeURIComponent(input.sessionId)}/one`,
        existingRoute,
        signal,
      );
      return { applicantId: readBody("sumsub", existingRoute, sumsubCreatedApplicant, existing.json).id };
    },

    // POST /resources/accessTokens/sdk (https://docs.sumsub.com/reference/generate-access-token):
    // a token for one applicant (by its externalUserId) at our level, for the WebSDK.
    async launch(applicantId: string, input: StartApplicantInput, signal: AbortSignal): Promise<BrowserLaunch> {
      applicantPath(applicantId);
      const route = "/resources/accessTokens/sdk";
      const issuedAt = now();
      const response = await call("POST", route, route, signal, {
        userId: input.sessionId,
        levelName: config.levelName,
        ttlInSecs: config.tokenTtlSeconds,
      });
      const { token } = readBody("sumsub", route, sumsubAccessToken, response.json);
      return {
        kind: "sdk-token",
        provider: "sumsub",
        token,
        expiresAt: issuedAt + config.tokenTtlSeconds,
        sdk: { name: "@sumsub/websdk" },
      };
    },

    verifyWebhook(request: ProviderWebhookRequest): ProviderEvent {
      return verifySumsubWebhook(request, config.webhookSecret);
    },

    // GET /resources/applicants/{applicantId}/one for the review and the recognized data, then, once
    // the review is completed, GET .../requiredIdDocsStatus for the per-step results.
    async fetchDecision(applicantId: string, signal: AbortSignal): Promise<Decision> {
      const base = applicantPath(applicantId);
      const oneRoute = "/resources/applicants/:id/one";
      const applicant = readBody(
        "sumsub",
        oneRoute,
        sumsubApplicant,
        (await call("GET", `${base}/one`, oneRoute, signal)).json,
      );
      if (applicant.review?.reviewStatus !== "completed") return { state: "pending" };
      const stepsRoute = "/resources/applicants/:id/requiredIdDocsStatus";
      const steps = readBody(
        "sumsub",
        stepsRoute,
        sumsubStepsStatus,
        (await call("GET", `${base}/requiredIdDocsStatus`, stepsRoute, signal)).json ?? {},
      );
      return normalizeSumsubDecision(applicant, steps, config);
    },

    // Sumsub's public API has no hard delete. PATCH .../presence/deactivated
    // (https://docs.sumsub.com/reference/deactivate-applicant-profile) is the closest it allows: the
    // profile is frozen and ignored from then on, but Sumsub keeps the record. So this deactivates
    // and answers "not_supported": the operator still files the deletion request with Sumsub.
    async deleteApplicant(applicantId: string, signal: AbortSignal) {
      const route = "/resources/applicants/:id/presence/deactivated";
      await call("PATCH", `${applicantPath(applicantId)}/presence/deactivated`, route, signal);
      return "not_supported" as const;
    },

    // GET /resources/status/api (https://docs.sumsub.com/reference/review-api-health), signed, so it
    // also fails when our credentials are refused.
    async ping(signal: AbortSignal) {
      await call("GET", "/resources/status/api", "/resources/status/api", signal);
    },
  };
}
