import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProviderConfigError } from "../../src/kyc/providers/common/config.js";
import { loadPersonaConfig, type PersonaConfig } from "../../src/kyc/providers/persona/config.js";
import { createPersonaProvider } from "../../src/kyc/providers/persona/provider.js";
import { ProviderWebhookInvalid } from "../../src/kyc/providers/provider.js";
import { describeErrorMapping, providerError } from "./support/error-mapping.js";
import { type FakeProvider, type RecordedRequest, startFakeProvider } from "./support/fake-provider.js";
import { fixture, fixtureText } from "./support/fixtures.js";

const NOW = 1_731_405_800;
const API_KEY = "persona_sandbox_3c1f7a9e-5b2d-4e8f-a6c4-0d9b8e7f6a5c";
const TEMPLATE = "itmpl_Ygs16MKTkA6obnF8C3Rb17dm";
const SECRET_OLD = "wbhsec_old_0f8e7d6c5b4a39281706f5e4d3c2b1a0";
const SECRET_NEW = "wbhsec_new_a1b2c3d4e5f60718293a4b5c6d7e8f90";
const SESSION = "ses_01JDZ8Q5W2M7K3";
const INQUIRY = "inq_2CVZ4HyVg7qaboXz2PUHknAn";
const PERSONAL_DATA = ["KANARIE", "QUOKKASTEIN", "Y2K9CANARY", "1989-07-16", "KANARIENWEG"];

const start = {
  sessionId: SESSION,
  subject: "0x00000000000000000000000000000000000000b1",
  projectId: 1n,
  checks: ["document", "liveness"],
} as const;

function config(baseUrl: string, overrides: Partial<PersonaConfig> = {}): PersonaConfig {
  return {
    ...loadPersonaConfig({
      ONEKEY_ISSUER_PERSONA_API_KEY: API_KEY,
      ONEKEY_ISSUER_PERSONA_TEMPLATE_ID: TEMPLATE,
      ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS: SECRET_NEW,
      ONEKEY_ISSUER_PERSONA_BASE_URL: baseUrl,
    }),
    ...overrides,
  };
}

/** The documented request headers: Bearer key, pinned version, kebab-case keys. */
function expectPersonaHeaders(request: RecordedRequest) {
  expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(request.headers["persona-version"]).toBe("2023-01-05");
  expect(request.headers["key-inflection"]).toBe("kebab");
}

const signal = () => AbortSignal.timeout(5_000);

describe("Persona adapter", () => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await startFakeProvider();
  });
  afterEach(async () => {
    await fake.close();
  });
  const provider = (overrides: Partial<PersonaConfig> = {}) =>
    createPersonaProvider(config(fake.baseUrl, overrides), { now: () => NOW });

  it("creates an inquiry from the template with our session id as reference-id and Idempotency-Key", async () => {
    fake.on("POST /api/v1/inquiries", { status: 201, json: fixture("persona", "inquiry-created") });
    const { applicantId } = await provider().createApplicant(start, signal());
    expect(applicantId).toBe(INQUIRY);
    const [request] = fake.requests as [RecordedRequest];
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/v1/inquiries");
    expectPersonaHeaders(request);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["idempotency-key"]).toBe(`onekey-inquiry-${SESSION}`);
    expect(JSON.parse(request.body)).toEqual({
      data: { attributes: { "inquiry-template-id": TEMPLATE, "reference-id": SESSION } },
    });
  });

  it("launches the hosted flow with a one-time link, never our key", async () => {
    fake.on(`POST /api/v1/inquiries/${INQUIRY}/generate-one-time-link`, {
      status: 200,
      json: fixture("persona", "one-time-link"),
    });
    const launch = await provider().launch(INQUIRY, start, signal());
    expect(launch).toEqual({
      kind: "hosted-url",
      provider: "persona",
      url: "https://withpersona.com/verify?code=pQ7nWbRsEwLtZ8kV",
      expiresAt: NOW + 86_400,
    });
    expect(JSON.stringify(launch)).not.toContain(API_KEY);
    const [request] = fake.requests as [RecordedRequest];
    expectPersonaHeaders(request);
    expect(request.body).toBe("");
  });

  /*
   * attack: a tampered provider answer hands the browser a javascript: (or http:) launch URL.
   * Now: only an https one-time link is passed on; anything else is bad_response.
   */
  it("attack: a provider answer carries a non-https launch URL", async () => {
    const answer = fixture<{ meta: Record<string, string> }>("persona", "one-time-link");
    answer.meta["one-time-link"] = "javascript:alert(1)";
    fake.on(`POST /api/v1/inquiries/${INQUIRY}/generate-one-time-link`, { status: 200, json: answer });
    expect((await providerError(provider().launch(INQUIRY, start, signal()))).reason).toBe("bad_response");
  });

  describe("fetchDecision", () => {
    const answer = (name: string) =>
      fake.on(`GET /api/v1/inquiries/${INQUIRY}?include=verifications`, {
        status: 200,
        json: fixture("persona", name),
      });

    it("GETs the inquiry with its verifications included and normalizes an approved one", async () => {
      answer("inquiry-approved");
      const decision = await provider().fetchDecision(INQUIRY, signal());
      expect(decision).toEqual({
        state: "decided",
        result: {
          outcome: "approved",
          checksPassed: ["document", "liveness"],
          documentType: "driving_licence",
          reasonCodes: [],
          provider: "persona",
          providerReference: INQUIRY,
        },
        personalData: {
          firstName: "KANARIE",
          lastName: "QUOKKASTEIN",
          dateOfBirth: "1989-07-16",
          documentNumber: "Y2K9CANARY",
          documentCountry: "US",
          documentExpiry: "2029-07-16",
          address: {
            street: "47 KANARIENWEG",
            city: "SAN FRANCISCO",
            state: "California",
            postalCode: "94109",
            country: "US",
          },
        },
      });
      const [request] = fake.requests as [RecordedRequest];
      expect(request.method).toBe("GET");
      expectPersonaHeaders(request);
    });

    it("normalizes a declined inquiry from its failed required checks, keeping the data at Persona", async () => {
      answer("inquiry-declined");
      expect(await provider().fetchDecision(INQUIRY, signal())).toEqual({
        state: "decided",
        result: {
          outcome: "rejected",
          // The selfie passed; the ID did not (a not-required check's failure is no reason).
          checksPassed: ["liveness"],
          documentType: "driving_licence",
          reasonCodes: ["document_tampered"],
          provider: "persona",
          providerReference: INQUIRY,
        },
        personalData: {},
      });
    });

    it("asks for resubmission when the attempts failed on curable checks (blur, glare, expiry)", async () => {
      answer("inquiry-failed");
      expect(await provider().fetchDecision(INQUIRY, signal())).toEqual({
        state: "decided",
        result: {
          outcome: "needs_resubmission",
          checksPassed: [],
          documentType: "driving_licence",
          reasonCodes: ["document_expired", "document_unreadable"],
          provider: "persona",
          providerReference: INQUIRY,
        },
        personalData: {},
      });
    });

    it("rejects a failed inquiry when a failed check is one a retry cannot cure", async () => {
      const failed = fixture<{ included: { attributes: { checks?: { name: string; status: string }[] } }[] }>(
        "persona",
        "inquiry-failed",
      );
      const compromised = failed.included[1]?.attributes.checks?.find((c) => c.name === "id_compromised_detection");
      if (!compromised) throw new Error("fixture lacks id_compromised_detection");
      compromised.status = "failed";
      fake.on(`GET /api/v1/inquiries/${INQUIRY}?include=verifications`, { status: 200, json: failed });
      const decision = await provider().fetchDecision(INQUIRY, signal());
      expect(decision.state === "decided" && decision.result.outcome).toBe("rejected");
      expect(decision.state === "decided" && decision.result.reasonCodes).toContain("fraud_suspected");
    });

    it("asks for resubmission of an expired inquiry", async () => {
      answer("inquiry-expired");
      const decision = await provider().fetchDecision(INQUIRY, signal());
      expect(decision.state === "decided" && decision.result).toMatchObject({
        outcome: "needs_resubmission",
        reasonCodes: ["verification_expired"],
        checksPassed: [],
      });
    });

    it("is pending while created, pending or in manual review", async () => {
      for (const name of ["inquiry-created", "inquiry-pending", "inquiry-needs-review"]) {
        answer(name);
        expect(await provider().fetchDecision(INQUIRY, signal()), name).toEqual({ state: "pending" });
      }
    });

    it("waits for the decision workflow after completed, unless configured to approve on completion", async () => {
      answer("inquiry-completed");
      expect(await provider().fetchDecision(INQUIRY, signal())).toEqual({ state: "pending" });
      const decision = await provider({ approveOnCompleted: true }).fetchDecision(INQUIRY, signal());
      expect(decision.state === "decided" && decision.result.outcome).toBe("approved");
    });

    it("counts screening only for an approved inquiry whose template is configured for it", async () => {
      answer("inquiry-approved");
      const decision = await provider({ checks: ["document", "liveness", "sanctions"] }).fetchDecision(
        INQUIRY,
        signal(),
      );
      expect(decision.state === "decided" && decision.result.checksPassed).toEqual([
        "document",
        "liveness",
        "sanctions",
      ]);
    });

    it("refuses a status it does not know, naming no personal data", async () => {
      const odd = fixture<{ data: { attributes: Record<string, unknown> } }>("persona", "inquiry-approved");
      odd.data.attributes.status = "KANARIE";
      fake.on(`GET /api/v1/inquiries/${INQUIRY}?include=verifications`, { status: 200, json: odd });
      const error = await providerError(provider().fetchDecision(INQUIRY, signal()));
      expect(error.reason).toBe("bad_response");
      for (const value of PERSONAL_DATA) expect(error.message).not.toContain(value);
    });

    it("never puts a malformed inquiry id into a URL", async () => {
      const error = await providerError(provider().fetchDecision("inq_x/../../api-keys", signal()));
      expect(error.reason).toBe("rejected_request");
      expect(fake.requests).toHaveLength(0);
    });
  });

  it("redacts the inquiry on delete (DELETE /api/v1/inquiries/{id})", async () => {
    fake.on(`DELETE /api/v1/inquiries/${INQUIRY}`, { status: 200, json: fixture("persona", "inquiry-expired") });
    expect(await provider().deleteApplicant(INQUIRY, signal())).toBe("deleted");
    expectPersonaHeaders(fake.requests[0] as RecordedRequest);
  });

  it("pings by reading its inquiry template", async () => {
    fake.on(`GET /api/v1/inquiry-templates/${TEMPLATE}`, {
      status: 200,
      json: { data: { type: "inquiry-template", id: TEMPLATE, attributes: { status: "active", name: "KYC" } } },
    });
    await provider().ping(signal());
    expectPersonaHeaders(fake.requests[0] as RecordedRequest);
  });

  describe("verifyWebhook", () => {
    const body = fixtureText("persona", "webhook-inquiry-approved");
    /** Recomputed from the docs: v1 = hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret. */
    const sign = (t: number, raw: string, secret: string) =>
      `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${raw}`).digest("hex")}`;
    const persona = (overrides: Partial<PersonaConfig> = {}) =>
      createPersonaProvider(config("https://api.withpersona.com", overrides), { now: () => NOW });
    const verify = (raw: string, signature: string | undefined, overrides: Partial<PersonaConfig> = {}) =>
      persona(overrides).verifyWebhook({
        rawBody: raw,
        headers: signature === undefined ? {} : { "persona-signature": signature },
      });

    it("accepts a fresh, correctly signed event and reports the decision", () => {
      expect(verify(body, sign(NOW - 10, body, SECRET_NEW))).toEqual({
        applicantId: INQUIRY,
        eventId: "evt_XGuYWp7WuDzNxie5z16s7sGJ",
        kind: "decided",
      });
    });

    it("accepts either secret while they rotate (two space-separated signature sets)", () => {
      const rotating = { webhookSecrets: [SECRET_NEW, SECRET_OLD] };
      const header = `${sign(NOW, body, SECRET_NEW)} ${sign(NOW, body, SECRET_OLD)}`;
      expect(verify(body, header, rotating).eventId).toBe("evt_XGuYWp7WuDzNxie5z16s7sGJ");
      // A receiver still on the old secret alone accepts the same delivery.
      expect(verify(body, header, { webhookSecrets: [SECRET_OLD] }).kind).toBe("decided");
      // The old secret's set alone, after we moved to both secrets.
      expect(verify(body, sign(NOW, body, SECRET_OLD), rotating).kind).toBe("decided");
    });

    /*
     * attack: post an inquiry event we did not send: a captured delivery edited (approved ->
     * declined, or the reverse), one signed with a guessed secret, no or a garbled header, or a
     * genuine v1 moved under another timestamp. Now: v1 is recomputed over "<t>.<raw body>" with
     * each configured secret; nothing matches, so the webhook is refused before it is parsed.
     */
    it("attack: forge or edit a Persona webhook without the webhook secret", () => {
      const tampered = body.replace('"inquiry.approved"', '"inquiry.declined"');
      expect(() => verify(tampered, sign(NOW, body, SECRET_NEW))).toThrow(ProviderWebhookInvalid);
      expect(() => verify(body, sign(NOW, body, "wbhsec_attacker"))).toThrow(ProviderWebhookInvalid);
      expect(() => verify(body, undefined)).toThrow(ProviderWebhookInvalid);
      expect(() => verify(body, "v1=deadbeef")).toThrow(ProviderWebhookInvalid);
      // A valid v1 moved under another timestamp no longer matches.
      const v1 = sign(NOW, body, SECRET_NEW).split(",")[1];
      expect(() => verify(body, `t=${NOW + 1},${v1}`)).toThrow(ProviderWebhookInvalid);
    });

    /*
     * attack: replay a genuine, captured delivery later (or pre-date one), hoping it is processed
     * again. Now: the signed timestamp must be within 300 s of our clock; the replay is refused
     * (and within the window, the event's id makes a second delivery a no-op for the sessions).
     */
    it("attack: replay a captured Persona webhook outside the tolerance", () => {
      expect(() => verify(body, sign(NOW - 301, body, SECRET_NEW))).toThrow(/tolerance/);
      expect(() => verify(body, sign(NOW + 301, body, SECRET_NEW))).toThrow(/tolerance/);
      expect(verify(body, sign(NOW - 300, body, SECRET_NEW)).kind).toBe("decided");
    });

    it("maps events to kinds and finds the inquiry behind a verification event", () => {
      const verification = fixtureText("persona", "webhook-verification-passed");
      expect(verify(verification, sign(NOW, verification, SECRET_NEW))).toEqual({
        applicantId: INQUIRY,
        eventId: "evt_9qVbkb1yXK8Hq3kGvZ1mKbtS",
        kind: "other",
      });
      const completed = body.replace('"inquiry.approved"', '"inquiry.completed"');
      expect(verify(completed, sign(NOW, completed, SECRET_NEW)).kind).toBe("submitted");
      expect(verify(completed, sign(NOW, completed, SECRET_NEW), { approveOnCompleted: true }).kind).toBe("decided");
      const review = body.replace('"inquiry.approved"', '"inquiry.marked-for-review"');
      expect(verify(review, sign(NOW, review, SECRET_NEW)).kind).toBe("submitted");
    });

    it("refuses a correctly signed body that is not a Persona event", () => {
      for (const raw of ["[]", "not json", JSON.stringify({ data: { type: "inquiry", id: INQUIRY } })]) {
        expect(() => verify(raw, sign(NOW, raw, SECRET_NEW))).toThrow(ProviderWebhookInvalid);
      }
    });
  });
});

describe("Persona configuration", () => {
  const env = {
    ONEKEY_ISSUER_PERSONA_API_KEY: API_KEY,
    ONEKEY_ISSUER_PERSONA_TEMPLATE_ID: TEMPLATE,
    ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS: `${SECRET_NEW}, ${SECRET_OLD}`,
  };

  it("reads the rotation list and defaults", () => {
    expect(loadPersonaConfig(env)).toMatchObject({
      baseUrl: "https://api.withpersona.com",
      webhookSecrets: [SECRET_NEW, SECRET_OLD],
      apiVersion: "2023-01-05",
      checks: ["document", "liveness"],
      approveOnCompleted: false,
      linkTtlSeconds: 86_400,
      webhookToleranceSeconds: 300,
    });
  });

  it("names bad variables without printing secrets", () => {
    let message = "";
    try {
      loadPersonaConfig({
        ...env,
        ONEKEY_ISSUER_PERSONA_TEMPLATE_ID: "tmpl_legacy",
        ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS: " , ",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/ONEKEY_ISSUER_PERSONA_TEMPLATE_ID/);
    expect(message).toMatch(/ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS/);
    expect(message).not.toContain(API_KEY);
  });
});

describeErrorMapping({
  name: "Persona",
  create: (baseUrl) => createPersonaProvider(config(baseUrl), { now: () => NOW }),
  invoke: (provider, signal) => provider.fetchDecision(INQUIRY, signal),
  bodyWithPersonalData: {
    errors: [{ title: "Invalid inquiry", details: "KANARIE QUOKKASTEIN Y2K9CANARY 1989-07-16 47 KANARIENWEG" }],
  },
  personalData: PERSONAL_DATA,
});
