import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOnfidoConfig, type OnfidoConfig } from "../../src/kyc/providers/onfido/config.js";
import { createOnfidoProvider } from "../../src/kyc/providers/onfido/provider.js";
import { ProviderWebhookInvalid } from "../../src/kyc/providers/provider.js";
import { describeErrorMapping, providerError } from "./support/error-mapping.js";
import { type FakeProvider, type RecordedRequest, startFakeProvider } from "./support/fake-provider.js";
import { fixture, fixtureText } from "./support/fixtures.js";

const NOW = 1_731_405_658; // 2024-11-12T10:00:58Z
const API_TOKEN = "api_sandbox.Xz9Qm3vK7tYp.Lr4Wn8Bc2DfHj6Ks1MvPq5RtUy0Ea3Gi";
const WEBHOOK_TOKEN = "u8iWd1mC6o9J3nQ5rT2vX7zB4eH0kL";
const WORKFLOW = "c3c5b9a0-7e6f-4d1a-8b2c-9f0e1d2c3b4a";
const APPLICANT = "3a1b4f0e-5c2d-4b6a-9e8f-1d2c3b4a5f60";
const RUN = "2f152409-d6c4-4711-8750-48517f99a8d6";
const CHECK = "85469219-f0c3-4b2a-a4d1-7e5f6a7b8c9d";
const SESSION = "ses_01JDZ8Q5W2M7K3";
const PERSONAL_DATA = ["KANARIE", "QUOKKASTEIN", "C01X00T47", "1989-07-16", "Kanarienweg"];

const start = {
  sessionId: SESSION,
  subject: "0x00000000000000000000000000000000000000b1",
  projectId: 1n,
  checks: ["document", "liveness"],
  returnUrl: "https://app.onekey.example/verify/acme-app",
  locale: "de-DE",
} as const;

function config(baseUrl: string, overrides: Partial<OnfidoConfig> = {}): OnfidoConfig {
  return {
    ...loadOnfidoConfig({
      ONEKEY_ISSUER_ONFIDO_API_TOKEN: API_TOKEN,
      ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID: WORKFLOW,
      ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      ONEKEY_ISSUER_ONFIDO_BASE_URL: baseUrl,
    }),
    ...overrides,
  };
}

const expectOnfidoAuth = (request: RecordedRequest) =>
  expect(request.headers.authorization).toBe(`Token token=${API_TOKEN}`);
const signal = () => AbortSignal.timeout(5_000);

describe("Onfido adapter", () => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await startFakeProvider();
  });
  afterEach(async () => {
    await fake.close();
  });
  const provider = (overrides: Partial<OnfidoConfig> = {}) =>
    createOnfidoProvider(config(fake.baseUrl, overrides), { now: () => NOW });

  describe("createApplicant", () => {
    it("creates an applicant without personal data, then a workflow run with our session id and link", async () => {
      fake.on("POST /v3.6/applicants", { status: 201, json: fixture("onfido", "applicant-created") });
      fake.on("POST /v3.6/workflow_runs", { status: 201, json: fixture("onfido", "workflow-run-created") });
      const { applicantId } = await provider().createApplicant(start, signal());
      expect(applicantId).toBe(RUN);
      const [applicant, run] = fake.requests as [RecordedRequest, RecordedRequest];
      expect(JSON.parse(applicant.body)).toEqual({ first_name: "OneKey", last_name: "Applicant" });
      expect(JSON.parse(run.body)).toEqual({
        workflow_id: WORKFLOW,
        applicant_id: APPLICANT,
        customer_user_id: SESSION,
        link: {
          completed_redirect_url: start.returnUrl,
          expires_at: "2024-11-12T11:00:58.000Z",
          language: "de_DE",
        },
      });
      for (const request of fake.requests) {
        expect(request.method).toBe("POST");
        expect(request.headers["content-type"]).toBe("application/json");
        expectOnfidoAuth(request);
      }
    });

    it("deletes the fresh applicant again when the workflow run cannot be created", async () => {
      fake.on("POST /v3.6/applicants", { status: 201, json: fixture("onfido", "applicant-created") });
      fake.on("POST /v3.6/workflow_runs", { status: 422, json: fixture("onfido", "error-422") });
      const deleted = new Promise<RecordedRequest>((resolve) =>
        fake.on(`DELETE /v3.6/applicants/${APPLICANT}`, (request) => {
          resolve(request);
          return { status: 204 };
        }),
      );
      const error = await providerError(provider().createApplicant(start, signal()));
      expect(error.reason).toBe("rejected_request");
      expectOnfidoAuth(await deleted);
    });
  });

  it("launches the workflow run's hosted link, with its documented expiry", async () => {
    fake.on(`GET /v3.6/workflow_runs/${RUN}`, { status: 200, json: fixture("onfido", "workflow-run-created") });
    const launch = await provider().launch(RUN, start, signal());
    expect(launch).toEqual({
      kind: "hosted-url",
      provider: "onfido",
      url: "https://eu.onfido.app/l/2f152409-d6c4-4711-8750-48517f99a8d6",
      expiresAt: Date.parse("2024-11-12T11:00:59Z") / 1000,
    });
    expect(JSON.stringify(launch)).not.toContain(API_TOKEN);
  });

  describe("fetchDecision", () => {
    const answer = (run: string, reports?: string) => {
      fake.on(`GET /v3.6/workflow_runs/${RUN}`, { status: 200, json: fixture("onfido", run) });
      fake.on(`GET /v3.6/checks?applicant_id=${APPLICANT}`, { status: 200, json: fixture("onfido", "checks") });
      if (reports) {
        fake.on(`GET /v3.6/reports?check_id=${CHECK}`, { status: 200, json: fixture("onfido", reports) });
      }
    };

    it("reads an approved run's latest check and its reports", async () => {
      answer("workflow-run-approved", "reports-clear");
      expect(await provider().fetchDecision(RUN, signal())).toEqual({
        state: "decided",
        result: {
          outcome: "approved",
          checksPassed: ["document", "liveness", "sanctions", "pep"],
          documentType: "passport",
          reasonCodes: [],
          provider: "onfido",
          providerReference: RUN,
        },
        personalData: {
          firstName: "KANARIE",
          lastName: "QUOKKASTEIN",
          dateOfBirth: "1989-07-16",
          placeOfBirth: "BERLIN",
          nationality: "DEU",
          documentNumber: "C01X00T47",
          documentCountry: "DEU",
          documentExpiry: "2031-04-02",
          address: { street: "Kanarienweg 47", city: "Berlin", postalCode: "10115", country: "DEU" },
        },
      });
      expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET /v3.6/workflow_runs/${RUN}`,
        `GET /v3.6/checks?applicant_id=${APPLICANT}`,
        `GET /v3.6/reports?check_id=${CHECK}`,
      ]);
      for (const request of fake.requests) expectOnfidoAuth(request);
    });

    it("normalizes a declined run from the reports' consider breakdowns", async () => {
      answer("workflow-run-declined", "reports-declined");
      expect(await provider().fetchDecision(RUN, signal())).toEqual({
        state: "decided",
        result: {
          outcome: "rejected",
          checksPassed: ["pep"],
          documentType: "passport",
          reasonCodes: ["document_expired", "document_tampered", "sanctions_match", "selfie_mismatch"],
          provider: "onfido",
          providerReference: RUN,
        },
        personalData: {},
      });
    });

    it("asks for resubmission of an abandoned run (link expired unfinished) or one Onfido failed", async () => {
      answer("workflow-run-abandoned", "reports-clear");
      const abandoned = await provider().fetchDecision(RUN, signal());
      expect(abandoned.state === "decided" && abandoned.result.outcome).toBe("needs_resubmission");
      expect(abandoned.state === "decided" && abandoned.result.reasonCodes).toEqual(["verification_expired"]);
      answer("workflow-run-error", "reports-clear");
      const failed = await provider().fetchDecision(RUN, signal());
      expect(failed.state === "decided" && failed.result).toMatchObject({
        outcome: "needs_resubmission",
        reasonCodes: ["other"],
      });
    });

    it("is pending while processing, awaiting input or in manual review, without reading reports", async () => {
      for (const run of ["workflow-run-created", "workflow-run-processing", "workflow-run-review"]) {
        fake.requests.length = 0;
        answer(run);
        expect(await provider().fetchDecision(RUN, signal()), run).toEqual({ state: "pending" });
        expect(fake.requests).toHaveLength(1);
      }
    });

    it("never puts a malformed run id into a URL", async () => {
      expect((await providerError(provider().fetchDecision("../applicants", signal()))).reason).toBe(
        "rejected_request",
      );
      expect(fake.requests).toHaveLength(0);
    });
  });

  it("deletes the run's applicant (DELETE /applicants/{id}, 204)", async () => {
    fake.on(`GET /v3.6/workflow_runs/${RUN}`, { status: 200, json: fixture("onfido", "workflow-run-approved") });
    fake.on(`DELETE /v3.6/applicants/${APPLICANT}`, { status: 204 });
    expect(await provider().deleteApplicant(RUN, signal())).toBe("deleted");
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v3.6/workflow_runs/${RUN}`,
      `DELETE /v3.6/applicants/${APPLICANT}`,
    ]);
  });

  it("pings GET /ping, which answers plain text", async () => {
    fake.on("GET /v3.6/ping", { status: 200, text: "OK" });
    await provider().ping(signal());
    fake.on("GET /v3.6/ping", { status: 503, text: "down" });
    expect((await providerError(provider().ping(signal()))).reason).toBe("unavailable");
  });

  describe("verifyWebhook", () => {
    const body = fixtureText("onfido", "webhook-workflow-run-completed");
    /** Recomputed from the docs: X-SHA2-Signature = hex HMAC-SHA256 of the raw body with the webhook token. */
    const sign = (raw: string, token = WEBHOOK_TOKEN) => createHmac("sha256", token).update(raw).digest("hex");
    const verify = (raw: string, signature?: string) =>
      createOnfidoProvider(config("https://api.eu.onfido.com")).verifyWebhook({
        rawBody: raw,
        headers: signature === undefined ? {} : { "x-sha2-signature": signature },
      });

    it("accepts a signed workflow_run.completed as a decision", () => {
      expect(verify(body, sign(body))).toEqual({
        applicantId: RUN,
        eventId: `workflow_run.completed:${RUN}:2024-11-12T10:04:12Z`,
        kind: "decided",
      });
    });

    it("finds the run behind a task event", () => {
      const task = fixtureText("onfido", "webhook-workflow-task-completed");
      expect(verify(task, sign(task))).toMatchObject({ applicantId: RUN, kind: "other" });
    });

    /*
     * attack: post a workflow_run.completed we did not send: a captured delivery edited
     * (its status or run id changed), one signed with a guessed token, or no signature. Now: the digest is
     * recomputed over the raw body with the webhook token; nothing matches, so it is refused.
     */
    it("attack: forge or edit an Onfido webhook without the webhook token", () => {
      const tampered = body.replace('"approved"', '"declined"');
      expect(() => verify(tampered, sign(body))).toThrow(ProviderWebhookInvalid);
      expect(() => verify(body, sign(body, "another-token"))).toThrow(ProviderWebhookInvalid);
      expect(() => verify(body)).toThrow(ProviderWebhookInvalid);
      for (const raw of ["{}", "not json"]) expect(() => verify(raw, sign(raw))).toThrow(ProviderWebhookInvalid);
    });
  });
});

describe("Onfido configuration", () => {
  const env = {
    ONEKEY_ISSUER_ONFIDO_API_TOKEN: API_TOKEN,
    ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID: WORKFLOW,
    ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
  };

  it("defaults to the EU region, v3.6 and one-hour links", () => {
    expect(loadOnfidoConfig(env)).toMatchObject({
      baseUrl: "https://api.eu.onfido.com",
      apiVersion: "v3.6",
      checks: ["document", "liveness"],
      linkTtlSeconds: 3600,
    });
  });

  it("names a malformed workflow id and a missing token, printing neither secret", () => {
    let message = "";
    try {
      loadOnfidoConfig({ ...env, ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID: "studio", ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN: "" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID/);
    expect(message).toMatch(/ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN/);
    expect(message).not.toContain(API_TOKEN);
  });
});

describeErrorMapping({
  name: "Onfido",
  create: (baseUrl) => createOnfidoProvider(config(baseUrl), { now: () => NOW }),
  invoke: (provider, signal) => provider.fetchDecision(RUN, signal),
  bodyWithPersonalData: {
    error: {
      type: "validation_error",
      message: "There was a validation error on this request",
      fields: { first_name: [`${PERSONAL_DATA.join(" ")} is not allowed`] },
    },
  },
  personalData: PERSONAL_DATA,
});
